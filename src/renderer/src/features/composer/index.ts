// The composer feature's public surface: the conversation view renders MessageComposer.
export {
  MessageComposer,
  WINDOW_CLOSED_SENTENCE,
  type MessageComposerProps,
} from './MessageComposer/MessageComposer';
export { useMediaDraft, type MediaDraft } from './MediaComposer/useMediaDraft';
export { EmojiPicker } from './EmojiPicker/EmojiPicker';
export { TemplatePicker } from './TemplatePicker/TemplatePicker';
export { MediaComposer } from './MediaComposer/MediaComposer';
export { useTemplates, type TemplatesState } from './useTemplates';
export { requestTemplate, useTemplateRequest } from './template-request';
export type { SendGuard } from './send-guard';
