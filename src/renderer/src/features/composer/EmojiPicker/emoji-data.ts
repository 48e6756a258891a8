/**
 * The emoji the picker offers: the ones support teams use most, with names and keywords for
 * search. Each category holds a multiple of eight, so the 8-column grid keeps its rows across
 * category boundaries and Up/Down move straight up and down.
 */

/** One emoji with what it is called. */
export interface EmojiEntry {
  emoji: string;
  name: string;
  keywords: string;
}

/** A named group of emoji. */
export interface EmojiCategory {
  name: string;
  emoji: EmojiEntry[];
}

const e = (emoji: string, name: string, keywords = ''): EmojiEntry => ({ emoji, name, keywords });

/** The grid's column count. */
export const EMOJI_COLUMNS = 8;

/** The categories, in order. */
export const EMOJI_CATEGORIES: EmojiCategory[] = [
  {
    name: 'Smileys',
    emoji: [
      e('😀', 'grinning face', 'smile happy'),
      e('😃', 'grinning face with big eyes', 'smile happy'),
      e('😄', 'grinning face with smiling eyes', 'smile happy laugh'),
      e('😁', 'beaming face', 'grin'),
      e('😆', 'grinning squinting face', 'laugh'),
      e('😅', 'grinning face with sweat', 'relief phew'),
      e('😂', 'face with tears of joy', 'laugh lol'),
      e('🤣', 'rolling on the floor laughing', 'rofl'),
      e('🙂', 'slightly smiling face', 'smile'),
      e('😉', 'winking face', 'wink'),
      e('😊', 'smiling face with smiling eyes', 'blush happy'),
      e('😇', 'smiling face with halo', 'angel innocent'),
      e('🥰', 'smiling face with hearts', 'love'),
      e('😍', 'smiling face with heart eyes', 'love'),
      e('😘', 'face blowing a kiss', 'kiss'),
      e('😋', 'face savoring food', 'yum tasty'),
      e('😎', 'smiling face with sunglasses', 'cool'),
      e('🤩', 'star struck', 'wow amazing'),
      e('🥳', 'partying face', 'celebrate party birthday'),
      e('🤔', 'thinking face', 'hmm think'),
      e('🤗', 'smiling face with open hands', 'hug'),
      e('🙃', 'upside down face', 'silly'),
      e('😌', 'relieved face', 'calm'),
      e('😴', 'sleeping face', 'tired zzz'),
      e('😐', 'neutral face', 'meh'),
      e('😬', 'grimacing face', 'awkward oops'),
      e('🙁', 'slightly frowning face', 'sad'),
      e('😢', 'crying face', 'sad tear'),
      e('😭', 'loudly crying face', 'sad sob'),
      e('😮', 'face with open mouth', 'wow surprised'),
      e('😱', 'face screaming in fear', 'shock'),
      e('😡', 'enraged face', 'angry mad'),
    ],
  },
  {
    name: 'Gestures',
    emoji: [
      e('👍', 'thumbs up', 'yes ok like approve'),
      e('👎', 'thumbs down', 'no dislike'),
      e('👌', 'ok hand', 'okay perfect'),
      e('✌️', 'victory hand', 'peace'),
      e('🤞', 'crossed fingers', 'luck hope'),
      e('👏', 'clapping hands', 'applause bravo'),
      e('🙌', 'raising hands', 'hooray celebrate'),
      e('🙏', 'folded hands', 'please thanks pray'),
      e('👋', 'waving hand', 'hello hi bye'),
      e('🤝', 'handshake', 'deal agreement'),
      e('💪', 'flexed biceps', 'strong'),
      e('👉', 'backhand index pointing right', 'point'),
      e('👈', 'backhand index pointing left', 'point'),
      e('👆', 'backhand index pointing up', 'point'),
      e('👇', 'backhand index pointing down', 'point'),
      e('🫶', 'heart hands', 'love thanks'),
    ],
  },
  {
    name: 'Hearts and symbols',
    emoji: [
      e('❤️', 'red heart', 'love'),
      e('🧡', 'orange heart', 'love'),
      e('💛', 'yellow heart', 'love'),
      e('💚', 'green heart', 'love'),
      e('💙', 'blue heart', 'love'),
      e('💜', 'purple heart', 'love'),
      e('🖤', 'black heart', 'love'),
      e('💔', 'broken heart', 'sad'),
      e('✅', 'check mark button', 'done yes ok complete'),
      e('❌', 'cross mark', 'no wrong cancel'),
      e('⚠️', 'warning', 'caution alert'),
      e('❗', 'exclamation mark', 'important'),
      e('❓', 'question mark', 'help'),
      e('💯', 'hundred points', 'perfect'),
      e('✨', 'sparkles', 'new shiny'),
      e('🔥', 'fire', 'hot lit'),
    ],
  },
  {
    name: 'Celebration',
    emoji: [
      e('🎉', 'party popper', 'congratulations celebrate'),
      e('🎊', 'confetti ball', 'celebrate'),
      e('🎁', 'wrapped gift', 'present birthday'),
      e('🎂', 'birthday cake', 'birthday'),
      e('🎈', 'balloon', 'party'),
      e('🏆', 'trophy', 'win award'),
      e('⭐', 'star', 'favourite rating'),
      e('🌟', 'glowing star', 'great'),
      e('🍾', 'bottle with popping cork', 'celebrate champagne'),
      e('🥂', 'clinking glasses', 'cheers toast'),
      e('🌸', 'cherry blossom', 'flower spring'),
      e('🌹', 'rose', 'flower'),
      e('💐', 'bouquet', 'flowers thanks'),
      e('☀️', 'sun', 'weather sunny'),
      e('🌈', 'rainbow', 'weather'),
      e('🎄', 'christmas tree', 'holiday'),
    ],
  },
  {
    name: 'Food',
    emoji: [
      e('☕', 'hot beverage', 'coffee tea'),
      e('🍰', 'shortcake', 'cake dessert'),
      e('🧁', 'cupcake', 'cake dessert'),
      e('🍪', 'cookie', 'biscuit'),
      e('🥐', 'croissant', 'bread bakery'),
      e('🍞', 'bread', 'bakery loaf'),
      e('🍕', 'pizza', 'food'),
      e('🍔', 'hamburger', 'food burger'),
      e('🍎', 'red apple', 'fruit'),
      e('🍓', 'strawberry', 'fruit'),
      e('🥗', 'green salad', 'food healthy'),
      e('🍫', 'chocolate bar', 'sweet'),
      e('🍷', 'wine glass', 'drink'),
      e('🍺', 'beer mug', 'drink'),
      e('🧃', 'beverage box', 'juice drink'),
      e('🍽️', 'fork and knife with plate', 'dinner restaurant'),
    ],
  },
  {
    name: 'Work and delivery',
    emoji: [
      e('📦', 'package', 'delivery parcel order shipping'),
      e('🚚', 'delivery truck', 'shipping delivery'),
      e('🛒', 'shopping cart', 'order buy'),
      e('💳', 'credit card', 'payment pay'),
      e('💰', 'money bag', 'payment price'),
      e('🧾', 'receipt', 'invoice bill'),
      e('📅', 'calendar', 'date appointment'),
      e('⏰', 'alarm clock', 'time reminder'),
      e('⏳', 'hourglass', 'wait time'),
      e('📞', 'telephone receiver', 'call phone'),
      e('📱', 'mobile phone', 'phone'),
      e('💻', 'laptop', 'computer'),
      e('📧', 'e-mail', 'email mail'),
      e('📍', 'round pushpin', 'location address'),
      e('🏠', 'house', 'home address'),
      e('🏪', 'convenience store', 'shop store'),
      e('🔧', 'wrench', 'fix repair'),
      e('🔒', 'locked', 'secure password'),
      e('🔑', 'key', 'password access'),
      e('📝', 'memo', 'note write'),
      e('📎', 'paperclip', 'attachment'),
      e('📷', 'camera', 'photo'),
      e('🔗', 'link', 'url'),
      e('🆗', 'ok button', 'okay'),
    ],
  },
];

/** Every emoji, in grid order. */
export const ALL_EMOJI: EmojiEntry[] = EMOJI_CATEGORIES.flatMap((c) => c.emoji);

/** Emoji whose name or keywords contain every word of the query. */
export function searchEmoji(query: string): EmojiEntry[] {
  const words = query.toLowerCase().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return ALL_EMOJI;
  return ALL_EMOJI.filter((entry) => {
    const haystack = `${entry.name} ${entry.keywords}`;
    return words.every((w) => haystack.includes(w));
  });
}
