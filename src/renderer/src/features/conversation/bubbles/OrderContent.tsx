import { Box, Group, Text } from '@mantine/core';
import { IconShoppingCart } from '@tabler/icons-react';
import { safeLabel } from '../../../components/FormattedText';

/** Props of {@link OrderContent}. */
export interface OrderContentProps {
  extra?: Record<string, unknown> | null;
  text?: string | null;
}

interface OrderItem {
  product_retailer_id?: unknown;
  quantity?: unknown;
  item_price?: unknown;
  currency?: unknown;
}

/** A catalog order: its items (product, quantity, price) and the customer's note. */
export function OrderContent({ extra, text }: OrderContentProps) {
  const order = (extra?.order ?? extra) as { product_items?: unknown; text?: unknown } | undefined;
  const items = Array.isArray(order?.product_items) ? (order.product_items as OrderItem[]) : [];
  const note = text ?? (typeof order?.text === 'string' ? order.text : null);
  return (
    <Box miw={200}>
      <Group gap={6}>
        <IconShoppingCart size={18} aria-hidden />
        <Text size="sm" fw={600}>
          Order · {items.length} {items.length === 1 ? 'item' : 'items'}
        </Text>
      </Group>
      {items.slice(0, 50).map((item, i) => (
        <Text size="sm" key={i}>
          {safeLabel(String(item.product_retailer_id ?? 'item'), 80)} × {Number(item.quantity) || 1}
          {item.item_price !== undefined
            ? ` · ${String(item.item_price)} ${safeLabel(String(item.currency ?? ''), 5)}`
            : ''}
        </Text>
      ))}
      {note && (
        <Text size="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
          {safeLabel(note, 1000)}
        </Text>
      )}
    </Box>
  );
}
