/** The body B1's load sends, validated as the bare route and the floor validate it (same bounds). */
export const VALIDATE_BODY_SCHEMA = {
  type: 'object',
  required: ['token', 'device_id'],
  properties: {
    token: { type: 'string', maxLength: 4096 },
    device_id: { type: 'string', maxLength: 200 },
  },
  additionalProperties: false,
} as const;
