import type { CustomerAction } from '../meta-emulator/emulator';
import type { InboundDecorations } from '../meta-emulator/inbound-builders';

// The demo's scripted customers and the history each conversation is seeded with (data only;
// whatsapp-demo.ts plays them through the real webhook path).

/** Extra demo customers (the emulator's own demo seed adds five). */
export const CUSTOMERS: ReadonlyArray<[phone: string, name: string]> = [
  ['+1 415 555 0101', 'Maya Patel'],
  ['+1 212 555 0102', 'Ethan Brooks'],
  ['+44 7700 900201', 'Amelia Clarke'],
  ['+44 7700 900202', 'Harry Evans'],
  ['+33 6 12 34 56 01', 'Camille Martin'],
  ['+33 6 12 34 56 02', 'Lucas Bernard'],
  ['+49 151 1000 0001', 'Lena Schmidt'],
  ['+49 151 1000 0002', 'Jonas Weber'],
  ['+34 612 300 001', 'Lucía García'],
  ['+34 612 300 002', 'Mateo López'],
  ['+39 347 100 0001', 'Giulia Rossi'],
  ['+39 347 100 0002', 'Marco Bianchi'],
  ['+351 912 000 001', 'Inês Costa'],
  ['+351 912 000 002', 'Tiago Santos'],
  ['+55 21 99999 0001', 'Beatriz Souza'],
  ['+52 55 1000 0001', 'Sofía Hernández'],
  ['+91 98100 00001', 'Aarav Sharma'],
  ['+91 98100 00002', 'Diya Iyer'],
  ['+81 90 1000 0001', 'Yuki Tanaka'],
  ['+82 10 1000 0001', 'Min-jun Kim'],
  ['+61 412 000 001', 'Olivia Wilson'],
  ['+27 82 000 0001', 'Thabo Nkosi'],
  ['+234 803 000 0001', 'Chiamaka Okafor'],
  ['+20 100 000 0001', 'Omar Hassan'],
  ['+90 532 000 0001', 'Elif Yılmaz'],
  ['+48 600 000 001', 'Zofia Nowak'],
  ['+31 6 1000 0001', 'Daan de Vries'],
  ['+46 70 100 0001', 'Astrid Lindqvist'],
  ['+65 8100 0001', 'Wei Ling Tan'],
  ['+62 812 0000 0001', 'Putri Wulandari'],
  ['+1 647 555 0103', 'Noah Tremblay'],
];

export type Step = {
  action: CustomerAction;
  decorations?: InboundDecorations;
  agentReply?: string;
  template?: boolean;
};

/** A conversation's scripted history: every inbound type appears somewhere in the set. */
export function scriptFor(i: number, businessDigits: string): Step[] {
  const ctx = { replyTo: { from: businessDigits, id: `wamid.demo-context-${i}` } };
  const scripts: Step[][] = [
    [
      { action: { type: 'text', body: 'Hi! Is my order #4821 on its way?' } },
      {
        action: { type: 'text', body: 'It was supposed to arrive yesterday 😕' },
        agentReply: 'Let me check that for you right away.',
      },
    ],
    [
      { action: { type: 'image', caption: 'The box arrived like this' } },
      {
        action: { type: 'text', body: 'Can I get a replacement?' },
        agentReply: 'So sorry about that! A replacement is on its way.',
      },
      { action: { type: 'text', body: 'Thank you 🙏' } },
    ],
    [
      { action: { type: 'audio', voice: true } },
      { action: { type: 'text', body: 'Sorry, voice note — can you call me?' } },
    ],
    [
      { action: { type: 'document', filename: 'invoice-2291.pdf', caption: 'My invoice' } },
      { action: { type: 'text', body: 'The VAT number is wrong' } },
    ],
    [
      {
        action: {
          type: 'location',
          latitude: 38.7223,
          longitude: -9.1393,
          name: 'Praça do Comércio',
          address: 'Lisboa',
        },
      },
      { action: { type: 'text', body: 'Can you deliver here?' } },
    ],
    [{ action: { type: 'sticker' } }, { action: { type: 'text', body: 'Love the new collection!' } }],
    [{ action: { type: 'video', caption: 'How the zipper breaks' } }],
    [
      {
        action: {
          type: 'contacts',
          contacts: [
            {
              name: { formatted_name: 'Rita Alves', first_name: 'Rita' },
              phones: [{ phone: '+351 912 345 678', type: 'CELL' }],
            },
          ],
        },
      },
      { action: { type: 'text', body: 'Please send the invoice to my accountant' } },
    ],
    [
      {
        action: {
          type: 'interactive',
          reply: { type: 'button_reply', id: 'track', title: 'Track my order' },
        },
        decorations: ctx,
      },
      { action: { type: 'text', body: 'Still no tracking number' } },
    ],
    [
      {
        action: {
          type: 'interactive',
          reply: { type: 'list_reply', id: 'size-m', title: 'Size M', description: 'Regular fit' },
        },
        decorations: ctx,
      },
    ],
    [
      {
        action: {
          type: 'order',
          catalogId: '194836987003835',
          text: 'Two of these please',
          items: [{ productRetailerId: 'tee-blue-m', quantity: 2, itemPrice: 19.9, currency: 'EUR' }],
        },
      },
    ],
    [
      {
        action: { type: 'text', body: 'I saw your ad — do you ship to Portugal?' },
        decorations: {
          referral: {
            sourceUrl: 'https://fb.me/demo-ad',
            sourceId: '120209',
            sourceType: 'ad',
            headline: 'Spring sale',
            body: '20% off everything',
            mediaType: 'image',
            imageUrl: 'https://example.com/ad.jpg',
            ctwaClid: 'ARAkLkA8rmlFeiCktEJQ',
          },
        },
      },
    ],
    [
      {
        action: { type: 'text', body: 'Forwarding what my friend sent me' },
        decorations: { forwarded: true },
      },
    ],
    [
      {
        action: {
          type: 'system',
          systemType: 'user_changed_number',
          newWaId: '447700900999',
          body: 'User changed their number',
        },
      },
    ],
    [
      { action: { type: 'unsupported', unsupportedType: 'poll_creation' } },
      { action: { type: 'text', body: 'Did you get my poll?' } },
    ],
    [{ action: { type: 'unknown' } }],
    [{ action: { type: 'text', body: 'Do you have gift cards?' }, template: true }],
  ];
  return scripts[i % scripts.length]!;
}
