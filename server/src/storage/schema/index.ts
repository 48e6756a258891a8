/** The server's whole drizzle schema (PostgreSQL); drizzle-kit generates migrations from it. */
export * from './organizations';
export * from './users';
export * from './memberships';
export * from './teams';
export * from './sessions';
export * from './invitations';
export * from './whatsapp';
export * from './messaging';
export * from './infrastructure';
export * from './sync';
export * from './notes';
export * from './audit';
export * from './webhooks';
export * from './api-keys';
export * from './webhook-quarantine';
export * from './login-attempts';
export * from './assignment';
