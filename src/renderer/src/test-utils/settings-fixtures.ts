import type { SessionUser } from '#contract/api/auth';
import type { Member } from '#contract/api/users';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { signedInSession } from './render';

/** The signed-in user with another role. */
export const userAs = (role: SessionUser['role']): SessionUser => ({ ...signedInSession.user, role });

export const ada: Member = {
  id: signedInSession.user.id,
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'admin',
  deactivatedAt: null,
  joinedAt: '2026-01-01T00:00:00.000Z',
  availability: 'available',
  capacity: null,
};

export const alan: Member = {
  id: '0190a1b2-0000-7000-8000-0000000000b1',
  email: 'alan@example.com',
  name: 'Alan Turing',
  role: 'agent',
  deactivatedAt: null,
  joinedAt: '2026-02-01T00:00:00.000Z',
  availability: 'available',
  capacity: null,
};

export const supportNumber: WhatsAppAccount = {
  id: '0190a1b2-0000-7000-8000-0000000000c1',
  name: 'Support',
  phoneNumberId: '1234567890',
  businessAccountId: '9876543210',
  displayPhoneNumber: '+1 631-555-5555',
  verifiedName: 'Acme Bakery',
  qualityRating: 'GREEN',
  throughputMps: 80,
  status: 'connected',
  statusReason: null,
  webhookUrl: 'https://parley.example.com/webhooks/whatsapp/0190a1b2-0000-7000-8000-0000000000c1',
  webhookVerifiedAt: '2026-01-01T00:05:00.000Z',
  defaultTeamId: null,
  ownerUserId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
