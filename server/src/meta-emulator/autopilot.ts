// Customers who act on their own, from the seeded PRNG so runs are reproducible: the autopilot
// makes a random customer write at a gentle pace (demo mode, `npm run meta-emulator`), and
// customers with `autoReply` answer agents' sends by tapping a reply button, a list row or a
// template quick reply, or by writing back.
import type { EmulatorContext } from './context';
import type { CustomerAction, CustomersControl } from './customers';
import type { CheckedSend } from './send-validation';
import type { OutboundRecord } from './state';

/** The autopilot part of the control API. */
export interface AutopilotControl {
  /**
   * Seeded "autopilot": every `intervalMs` (default 8 s) a random customer writes something
   * (mostly text, sometimes media, a location, a reaction…). Customers listed also answer
   * agents (autoReply). Returns a stop function.
   */
  startAutopilot(cfg: { phoneNumberId: string; intervalMs?: number; customers?: string[] }): () => void;
}

const OPENERS = [
  'Hi! Is my order on its way?',
  'Do you ship to Lisbon?',
  'مرحبا، هل يمكنني تغيير العنوان؟',
  'Thanks for the quick answer 🙏',
  'Can I pay on delivery?',
  'Olá! Vocês têm o tamanho M?',
  'The package arrived damaged 😞',
];

const ANSWERS = [
  'Thanks!',
  'Ok, got it 👍',
  'Can you tell me more?',
  'Perfect, thank you',
  'When will it arrive?',
];

/**
 * Creates the autopilot. `answerAgent` is called for each send accepted with outcome `ok`: a
 * customer with `autoReply` answers it after `replyDelayMs` (default 1.5 s).
 */
export function createAutopilot(
  ctx: EmulatorContext,
  customers: Pick<CustomersControl, 'customerSends'>,
  opts: { replyDelayMs?: number },
): { control: AutopilotControl; answerAgent(rec: OutboundRecord, checked: CheckedSend): void } {
  const { state, random, mustPhone, mustCustomer } = ctx;
  const replyDelayMs = opts.replyDelayMs ?? 1500;

  function startAutopilot(cfg: { phoneNumberId: string; intervalMs?: number; customers?: string[] }) {
    const phone = mustPhone(cfg.phoneNumberId);
    const who = (cfg.customers ?? [...state.customers.keys()]).map(mustCustomer);
    for (const c of who) c.autoReply = true;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const tick = () => {
      if (who.length === 0) return;
      const c = pick(who);
      const roll = random();
      const lastOut = [...state.outbound.values()]
        .reverse()
        .find((o) => o.customerPhone === c.phone && o.outcome === 'ok');
      let action: CustomerAction;
      if (roll < 0.6) action = { type: 'text', body: pick(OPENERS) };
      else if (roll < 0.7) action = { type: 'image', caption: 'Here is a photo' };
      else if (roll < 0.75) action = { type: 'audio', voice: true };
      else if (roll < 0.8) action = { type: 'document', filename: 'receipt.pdf' };
      else if (roll < 0.85)
        action = { type: 'location', latitude: 38.7223, longitude: -9.1393, name: 'Lisbon' };
      else if (roll < 0.9) action = { type: 'sticker' };
      else if (lastOut)
        action = { type: 'reaction', messageId: lastOut.wamid, emoji: pick(['👍', '❤️', '😂', '🙏']) };
      else action = { type: 'text', body: pick(OPENERS) };
      customers.customerSends(phone.id, c.phone, action);
    };
    return ctx.every(cfg.intervalMs ?? 8000, tick);
  }

  function answerAgent(rec: OutboundRecord, checked: CheckedSend): void {
    const c = rec.customerPhone ? state.customers.get(rec.customerPhone) : undefined;
    if (!c?.autoReply || rec.type === 'reaction') return;
    const phone = mustPhone(rec.phoneNumberId);
    const replyTo = { from: phone.displayDigits, id: rec.wamid };
    let action: CustomerAction;
    if (checked.choices?.length) {
      const pick = checked.choices[Math.floor(random() * checked.choices.length)]!;
      action = {
        type: 'interactive',
        reply:
          pick.kind === 'button_reply'
            ? { type: 'button_reply', id: pick.id, title: pick.title }
            : { type: 'list_reply', id: pick.id, title: pick.title, description: pick.description },
      };
    } else if (checked.quickReplies?.length) {
      const pick = checked.quickReplies[Math.floor(random() * checked.quickReplies.length)]!;
      action = { type: 'button', payload: pick.payload, text: pick.text };
    } else {
      action = { type: 'text', body: ANSWERS[Math.floor(random() * ANSWERS.length)]! };
    }
    ctx.later(replyDelayMs, () => {
      if (state.customers.has(c.phone)) customers.customerSends(phone.id, c.phone, action, { replyTo });
    });
  }

  return { control: { startAutopilot }, answerAgent };
}
