import { type Static, Type } from 'typebox';

const LicenseKey = Type.String({ minLength: 8, maxLength: 100 });

export const LicenseKeyBody = Type.Object({ license_key: LicenseKey }, { additionalProperties: false });

export const DeactivateDeviceBody = Type.Object(
  { license_key: LicenseKey, activation_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export type DeactivateDeviceInput = Static<typeof DeactivateDeviceBody>;

/** What the portal shows of a device: no fingerprint, IP or metadata. */
export interface PortalDevice {
  id: string;
  device_id: string;
  machine_name: string | null;
  hostname: string | null;
  platform: string | null;
  app_version: string | null;
  status: string;
  activated_at: Date;
  last_heartbeat_at: Date | null;
  last_validated_at: Date | null;
}
