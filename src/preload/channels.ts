import type { Channel, EventName } from '#contract/ipc/contract';

/**
 * The contract's channel and event names, as plain strings. The preload is a sandboxed CommonJS
 * bundle that can only `require('electron')`, so it cannot import the contract module (zod) at
 * run time; the type assertions below make this list fail to compile when it drifts from the
 * contract, and preload.test.ts compares it with the contract's own lists.
 */
export const channelNames = [
  'app:info',
  'app:setAttention',
  'session:get',
  'session:signIn',
  'session:signOut',
  'profile:update',
  'profile:changePassword',
  'settings:get',
  'settings:set',
  'sync:getStatus',
  'conversations:list',
  'conversations:counts',
  'conversation:get',
  'messages:list',
  'notes:list',
  'templates:list',
  'members:list',
  'teams:list',
  'messages:send',
  'conversation:setStatus',
  'conversation:assign',
  'conversation:claim',
  'conversation:setImportant',
  'conversation:setLabels',
  'conversation:markRead',
  'note:add',
  'contact:update',
  'outbox:list',
  'outbox:retry',
  'outbox:discard',
  'drafts:get',
  'drafts:set',
  'media:get',
  'media:stage',
  'media:open',
  'media:save',
  'presence:set',
  'sync:setBackfill',
] as const satisfies readonly Channel[];

/** Every event the renderer may subscribe to. */
export const eventNameList = [
  'session:changed',
  'sync:status',
  'replica:changed',
  'settings:changed',
  'conversation:revoked',
  'presence:changed',
  'media:progress',
] as const satisfies readonly EventName[];

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time check: every contract channel is listed (and nothing else). */
export const allChannelsListed: Exactly<(typeof channelNames)[number], Channel> = true;
/** Compile-time check: every contract event is listed (and nothing else). */
export const allEventsListed: Exactly<(typeof eventNameList)[number], EventName> = true;
