export { FormattedText, type FormattedTextProps } from './FormattedText';
export { parseWhatsAppFormat, plainText, safeHttpUrl, safeLabel, type FormatNode } from './whatsapp-format';
