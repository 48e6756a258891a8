export { TemplatePreview, type TemplatePreviewProps } from './TemplatePreview';
export {
  buildParameters,
  emptyValues,
  fillVariables,
  templateFields,
  templateSearchText,
  validateValues,
  variablesOf,
  type FieldErrors,
  type TemplateButtonField,
  type TemplateFields,
  type TemplateValues,
} from './template-params';
