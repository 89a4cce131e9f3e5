import type { IconName } from '../ui';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

/** Sidebar entries, in order. Paths are relative to the router basepath (/admin). */
export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Overview', icon: 'overview' },
  { to: '/customers', label: 'Customers', icon: 'customers' },
  { to: '/licenses', label: 'Licenses', icon: 'key' },
  { to: '/devices', label: 'Devices', icon: 'devices' },
  { to: '/plans', label: 'Plans', icon: 'plans' },
  { to: '/subscriptions', label: 'Subscriptions', icon: 'subscriptions' },
  { to: '/orders', label: 'Orders', icon: 'orders' },
  { to: '/analytics', label: 'Analytics', icon: 'analytics' },
  { to: '/compliance', label: 'Compliance', icon: 'shield' },
  { to: '/events', label: 'Events', icon: 'events' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
];
