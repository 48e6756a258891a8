import { Anchor, Code } from '@mantine/core';
import { useMemo, type ReactNode } from 'react';
import { parseWhatsAppFormat, type FormatNode } from './whatsapp-format';

/** Props of {@link FormattedText}. */
export interface FormattedTextProps {
  /** The raw text as the customer or agent wrote it. */
  text: string;
}

function renderNodes(nodes: FormatNode[], keyPrefix: string): ReactNode[] {
  return nodes.map((node, index) => {
    const key = `${keyPrefix}.${index}`;
    switch (node.type) {
      case 'text':
        return node.text;
      case 'link':
        // The visible text is the URL itself; target=_blank goes through the app's window-open
        // handler, which hands http(s) links to the system browser.
        return (
          <Anchor key={key} href={node.url} target="_blank" rel="noopener noreferrer" inherit>
            {node.url}
          </Anchor>
        );
      case 'bold':
        return <strong key={key}>{renderNodes(node.children, key)}</strong>;
      case 'italic':
        return <em key={key}>{renderNodes(node.children, key)}</em>;
      case 'strike':
        return <s key={key}>{renderNodes(node.children, key)}</s>;
      case 'mono':
        return (
          <Code key={key} block={node.text.includes('\n')} fz="inherit">
            {node.text}
          </Code>
        );
      case 'code':
        return (
          <Code key={key} fz="inherit">
            {node.text}
          </Code>
        );
    }
  });
}

/**
 * A message body with WhatsApp's formatting, rendered as React elements (never HTML), in an
 * isolated `dir="auto"` span so right-to-left text or stray bidi controls stay inside it.
 */
export function FormattedText({ text }: FormattedTextProps) {
  const nodes = useMemo(() => renderNodes(parseWhatsAppFormat(text), 'f'), [text]);
  return (
    <span dir="auto" style={{ unicodeBidi: 'isolate', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {nodes}
    </span>
  );
}
