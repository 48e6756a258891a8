import { atLeast, type Role } from '#contract/domain/roles';

/** A section of the Settings area. */
export type SectionId =
  | 'profile'
  | 'members'
  | 'teams'
  | 'labels'
  | 'canned'
  | 'numbers'
  | 'templates'
  | 'organization'
  | 'api-keys'
  | 'webhooks'
  | 'intakes'
  | 'audit';

/** How a section is listed and who sees it. */
export interface SectionDef {
  id: SectionId;
  label: string;
  /** The least role that sees the section at all (the server refuses the rest anyway). */
  minRole: Role;
  /** What the section says instead of its content while offline ("Connect to …"). */
  offlineNote: string;
}

/**
 * Every section, in the order the navigation lists them. Admins see all; managers see Teams
 * (read-only) and their profile; agents their profile and notifications. Canned responses,
 * labels, templates and business hours come with their routes (issue 12).
 */
export const SECTIONS: readonly SectionDef[] = [
  {
    id: 'profile',
    label: 'Profile',
    minRole: 'agent',
    offlineNote: 'Connect to change your name or password.',
  },
  { id: 'members', label: 'Members', minRole: 'admin', offlineNote: 'Connect to manage members.' },
  { id: 'teams', label: 'Teams', minRole: 'manager', offlineNote: 'Connect to change teams.' },
  { id: 'labels', label: 'Labels', minRole: 'manager', offlineNote: 'Connect to change labels.' },
  {
    id: 'canned',
    label: 'Canned responses',
    minRole: 'agent',
    offlineNote: 'Connect to change canned responses.',
  },
  {
    id: 'numbers',
    label: 'WhatsApp numbers',
    minRole: 'admin',
    offlineNote: 'Connect to change WhatsApp numbers.',
  },
  {
    id: 'templates',
    label: 'Templates',
    minRole: 'manager',
    offlineNote: 'Connect to create, delete or sync templates.',
  },
  {
    id: 'organization',
    label: 'Organization',
    minRole: 'admin',
    offlineNote: 'Connect to change the organization’s settings.',
  },
  { id: 'api-keys', label: 'API keys', minRole: 'admin', offlineNote: 'Connect to manage API keys.' },
  {
    id: 'webhooks',
    label: 'Webhooks',
    minRole: 'admin',
    offlineNote: 'Connect to manage webhook endpoints.',
  },
  {
    id: 'intakes',
    label: 'Lead intakes',
    minRole: 'admin',
    offlineNote: 'Connect to manage lead intakes.',
  },
  { id: 'audit', label: 'Audit log', minRole: 'admin', offlineNote: 'Connect to read the audit log.' },
];

/** The sections a role sees. */
export const sectionsFor = (role: Role): SectionDef[] => SECTIONS.filter((s) => atLeast(role, s.minRole));

/** Whether a role may change teams (managers only read them). */
export const canEditTeams = (role: Role): boolean => role === 'admin';

/** Whether a role may manage labels (admins and managers; the server refuses agents). */
export const canEditLabels = (role: Role): boolean => atLeast(role, 'manager');

/** Whether a role may write the organization's canned responses (everyone writes their own). */
export const canEditOrganizationCanned = (role: Role): boolean => atLeast(role, 'manager');
