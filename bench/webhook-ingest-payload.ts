// The webhook-ingest benchmark's payload: what Meta POSTs for one inbound text message.

/** A Meta `messages` webhook with one text message, in Meta's shape and size (~0.6 KB). */
export function textWebhook(phoneNumberId: string, run: string, n: number, customers: number): string {
  const waId = String(15_550_000_000 + (n % customers));
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: `Customer ${n % customers}` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQzQTk${run}${String(n).padStart(10, '0')}AA==`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: {
                    body: `Hello, I ordered the blue jacket last week (order #${100000 + n}) and it has not arrived yet. Could you check where it is? Thanks!`,
                  },
                  type: 'text',
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}
