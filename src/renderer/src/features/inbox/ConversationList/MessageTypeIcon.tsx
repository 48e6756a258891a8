import {
  IconAddressBook,
  IconAlertTriangle,
  IconClick,
  IconFileText,
  IconInfoCircle,
  IconMapPin,
  IconMicrophone,
  IconMoodSmile,
  IconPhoto,
  IconShoppingCart,
  IconSticker,
  IconTemplate,
  IconVideo,
  type Icon,
} from '@tabler/icons-react';
import type { MessageType } from '#contract/domain/messaging';

const ICONS: Record<Exclude<MessageType, 'text'>, Icon> = {
  image: IconPhoto,
  video: IconVideo,
  audio: IconMicrophone,
  document: IconFileText,
  sticker: IconSticker,
  location: IconMapPin,
  contacts: IconAddressBook,
  interactive: IconClick,
  button: IconClick,
  reaction: IconMoodSmile,
  order: IconShoppingCart,
  system: IconInfoCircle,
  template: IconTemplate,
  unsupported: IconAlertTriangle,
};

/** The icon of a message type (none for text); decorative, the row's name says the type. */
export function MessageTypeIcon({ type, size = 14 }: { type: MessageType; size?: number }) {
  if (type === 'text') return null;
  const Glyph = ICONS[type];
  return <Glyph className="pc-icon" size={size} aria-hidden />;
}
