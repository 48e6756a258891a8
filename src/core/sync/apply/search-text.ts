import type { Contact } from '#contract/api/contacts';
import type { MessageRow } from '#contract/sync/protocol';

/**
 * The text each searchable row is indexed by (`messages_fts` words, `contacts_fts` trigrams),
 * computed by the applier as it writes the row.
 */

/** The text a message is found by: its text, caption or rendered template body. */
export function messageSearchText(m: MessageRow): string | null {
  return m.text ?? m.caption ?? m.template?.renderedBody ?? m.location?.name ?? null;
}

/**
 * The text a contact is found by: names, the number as digits (the trigram index finds any 3+
 * digit run inside it, so "+1 415-555" and "5550" both match), the WhatsApp id when it differs,
 * the username. Kept short: every character costs trigram index entries on each write.
 */
export function contactSearchText(c: Contact): string {
  const digits = c.phone ? c.phone.replace(/\D/g, '') : '';
  const parts = [
    c.name,
    c.profileName !== c.name ? c.profileName : null,
    digits,
    c.waId !== digits ? c.waId : null,
    c.username,
  ];
  return parts.filter(Boolean).join(' ');
}
