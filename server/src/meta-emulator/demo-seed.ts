import type { EmulatorControl } from './emulator';
import type { EmulatorTemplate } from './send-validation';

/** Ids and secrets of the seeded demo business, to configure in Parley. */
export interface DemoSeed {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  customers: string[];
  templates: EmulatorTemplate[];
}

/** Templates covering every component kind the emulator validates. */
export function demoTemplates(): Omit<EmulatorTemplate, 'id'>[] {
  return [
    {
      name: 'hello_world',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        {
          type: 'BODY',
          text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification.',
        },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
    },
    {
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
        { type: 'BODY', text: 'Hi {{1}}, your order {{2}} will arrive on {{3}}.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Track order' },
            { type: 'QUICK_REPLY', text: 'Talk to an agent' },
            { type: 'URL', text: 'Open', url: 'https://shop.example.com/orders/{{1}}' },
          ],
        },
      ],
    },
    {
      name: 'order_update',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} llega el {{3}}.' }],
    },
    {
      name: 'spring_promo',
      language: 'en_US',
      status: 'APPROVED',
      category: 'MARKETING',
      parameterFormat: 'NAMED',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Hi {{first_name}}, enjoy {{discount}} off this week!' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
      ],
    },
    {
      name: 'pending_review',
      language: 'en_US',
      status: 'PENDING',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Not approved yet' }],
    },
    {
      name: 'call_us',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'BODY', text: 'Questions? Call us.' },
        { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550783881' }] },
      ],
    },
  ];
}

/**
 * Seeds one business with one number, templates and a few customers (one of them a username
 * user with a hidden phone). Deterministic ids so demo configs can be written down.
 */
export function seedDemo(
  control: EmulatorControl,
  opts: { callbackUrl?: string; accessToken?: string; appSecret?: string; verifyToken?: string } = {},
): DemoSeed {
  const accessToken = opts.accessToken ?? 'EAAG-demo-token-parley';
  const appSecret = opts.appSecret ?? 'demo-app-secret';
  const verifyToken = opts.verifyToken ?? 'demo-verify-token';
  const waba = control.addBusiness({
    id: '102290129340398',
    name: 'Parley Demo Shop',
    tokens: [accessToken],
  });
  const phone = control.addPhoneNumber(waba.id, {
    id: '106540352242922',
    displayPhoneNumber: '+1 555-078-3881',
    verifiedName: 'Parley Demo Shop',
  });
  if (opts.callbackUrl)
    control.configureWebhook(phone.id, { callbackUrl: opts.callbackUrl, appSecret, verifyToken });
  const templates = demoTemplates().map((t) => control.addTemplate(waba.id, t));
  const customers = [
    control.addCustomer({
      phone: '+1 650-555-1234',
      name: 'Sheena Nelson',
      userId: 'US.13491208655302741918',
    }),
    control.addCustomer({ phone: '+44 7700 900123', name: 'Oliver Smith' }),
    control.addCustomer({ phone: '+55 11 91234-5678', waId: '551112345678', name: 'João Silva' }),
    control.addCustomer({ phone: '+971 50 123 4567', name: 'ليلى أحمد' }),
    control.addCustomer({
      phone: '+49 151 23456789',
      name: 'Ana B.',
      userId: 'DE.77120033445566778899',
      username: 'ana.b',
      hidePhone: true,
    }),
  ];
  return {
    wabaId: waba.id,
    phoneNumberId: phone.id,
    displayPhoneNumber: phone.displayPhoneNumber,
    accessToken,
    appSecret,
    verifyToken,
    customers: customers.map((c) => c.phone),
    templates,
  };
}
