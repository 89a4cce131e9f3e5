import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const DemoDataResult = Type.Object(
  {
    created: Type.Integer({ description: 'Rows added by this call: 0 when the demo data was already there' }),
    product: Type.Object({ id: Uuid, code: Type.String() }),
    plans: Type.Array(Type.Object({ id: Uuid, code: Type.String() })),
  },
  { $id: 'DemoDataResult' },
);

export const FirstRunStatus = Type.Object(
  {
    server_url: Type.String({ description: "This server's public URL (PUBLIC_URL), for the snippets" }),
    steps: Type.Object({
      catalogue: Type.Boolean({ description: 'A product and a plan exist' }),
      license: Type.Boolean({ description: 'A license was issued' }),
      integrate: Type.Boolean({ description: 'A device activated a license (the SDK is wired in)' }),
    }),
    has_product: Type.Boolean(),
    has_plan: Type.Boolean(),
    has_api_key: Type.Boolean(),
    demo_loaded: Type.Boolean(),
    license: Type.Union([
      Type.Object({
        id: Uuid,
        key: Type.Union([Type.String(), Type.Null()], {
          description: 'Full key; null for roles that may not see keys',
        }),
        plan_code: Type.String(),
        status: Type.String(),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'FirstRunStatus' },
);
