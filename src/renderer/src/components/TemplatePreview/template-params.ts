import type { TemplateParameters } from '#contract/api/messages';
import type { Template, TemplateComponent } from '#contract/api/templates';

/**
 * Template parameters, from Meta's component definitions to the send body: which variables a
 * template has, validation with Meta's own rules (so a send is not refused with 132000/132012
 * minutes later), the text the customer will see, and the `TemplateParameters` of the send.
 */

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/gu;

/** One button of a template as the form sees it. */
export interface TemplateButtonField {
  /** Position among all of the template's buttons (Meta's `index`). */
  index: number;
  /** `copy_code`: an authentication template's button, which carries the body's code. */
  kind: 'quick_reply' | 'url' | 'phone' | 'copy_code' | 'other';
  /** The button label. */
  text: string;
  /** The template's URL (with `{{1}}` when the suffix is a parameter). */
  url?: string;
  /** A URL button with a `{{1}}` suffix needs a value; quick replies take an optional payload. */
  takesValue: boolean;
  requiresValue: boolean;
}

/** What a template asks for. */
export interface TemplateFields {
  header:
    | { kind: 'none' }
    | { kind: 'text'; text: string; variables: string[] }
    | { kind: 'media'; mediaType: 'image' | 'video' | 'document' }
    | { kind: 'location' };
  body: { text: string; variables: string[] };
  footer: string | null;
  buttons: TemplateButtonField[];
  /** Component types Parley cannot fill yet (flow, catalog buttons…). */
  unsupported: string[];
  /** An authentication template: the body's one variable is the code, which its button copies. */
  oneTimeCode?: boolean;
}

/** What the agent typed. */
export interface TemplateValues {
  header: Record<string, string>;
  body: Record<string, string>;
  /** By button index: the quick-reply payload or the URL suffix. */
  buttons: Record<number, string>;
  /** A staged image, video or document for a media header. */
  headerMedia: { mediaId: string; fileName: string } | null;
  location: { latitude: string; longitude: string; name: string; address: string };
}

/** Empty values for a template. */
export function emptyValues(): TemplateValues {
  return {
    header: {},
    body: {},
    buttons: {},
    headerMedia: null,
    location: { latitude: '', longitude: '', name: '', address: '' },
  };
}

/** The distinct variables of a text, in order (positional ones by number). */
export function variablesOf(text: string, format: Template['parameterFormat']): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    if (!seen.includes(m[1]!)) seen.push(m[1]!);
  }
  return format === 'POSITIONAL' ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
}

const componentOf = <T extends TemplateComponent['type']>(t: Template, type: T) =>
  t.components.find((c): c is Extract<TemplateComponent, { type: T }> => c.type === type);

/** Reads what a template asks for. */
export function templateFields(template: Template): TemplateFields {
  const unsupported: string[] = [];
  const headerComponent = componentOf(template, 'HEADER');
  let header: TemplateFields['header'] = { kind: 'none' };
  if (headerComponent) {
    switch (headerComponent.format) {
      case 'TEXT':
        header = {
          kind: 'text',
          text: headerComponent.text ?? '',
          variables: variablesOf(headerComponent.text ?? '', template.parameterFormat),
        };
        break;
      case 'IMAGE':
        header = { kind: 'media', mediaType: 'image' };
        break;
      case 'VIDEO':
      case 'GIF':
        header = { kind: 'media', mediaType: 'video' };
        break;
      case 'DOCUMENT':
        header = { kind: 'media', mediaType: 'document' };
        break;
      case 'LOCATION':
        header = { kind: 'location' };
        break;
    }
  }
  const bodyText = componentOf(template, 'BODY')?.text ?? '';
  const buttons: TemplateButtonField[] = (componentOf(template, 'BUTTONS')?.buttons ?? []).map((b, index) => {
    const type = b.type.toUpperCase();
    if (type === 'QUICK_REPLY') {
      return { index, kind: 'quick_reply', text: b.text, takesValue: true, requiresValue: false };
    }
    // Meta answers an authentication template's OTP button as a URL button whose {{1}} is the code.
    if (type === 'URL' && template.category === 'AUTHENTICATION') {
      return { index, kind: 'copy_code', text: b.text, takesValue: false, requiresValue: false };
    }
    if (type === 'URL') {
      const dynamic = VARIABLE.test(b.url ?? '');
      VARIABLE.lastIndex = 0;
      return { index, kind: 'url', text: b.text, url: b.url, takesValue: dynamic, requiresValue: dynamic };
    }
    if (type === 'PHONE_NUMBER') {
      return { index, kind: 'phone', text: b.text, takesValue: false, requiresValue: false };
    }
    unsupported.push(`${b.text} (${type.toLowerCase().replace(/_/g, ' ')} button)`);
    return { index, kind: 'other', text: b.text, takesValue: false, requiresValue: false };
  });
  return {
    header,
    body: { text: bodyText, variables: variablesOf(bodyText, template.parameterFormat) },
    footer: componentOf(template, 'FOOTER')?.text ?? null,
    buttons,
    unsupported,
    ...(template.category === 'AUTHENTICATION' && { oneTimeCode: true }),
  };
}

/** Replaces the variables of a text with the values typed so far (empty ones stay `{{x}}`). */
export function fillVariables(text: string, values: Record<string, string>): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const value = values[name]?.trim();
    return value ? value : whole;
  });
}

/** Field keys for errors: `header.1`, `body.first_name`, `button.2`, `headerMedia`, `location`. */
export type FieldErrors = Record<string, string>;

/** Meta refuses body parameters with line breaks, tabs or more than four spaces in a row. */
const BAD_BODY_PARAM = /[\n\t]| {5,}/u;

/** Validates the values against Meta's rules; an empty object means the template can be sent. */
export function validateValues(fields: TemplateFields, values: TemplateValues): FieldErrors {
  const errors: FieldErrors = {};
  if (fields.header.kind === 'text') {
    for (const name of fields.header.variables) {
      const value = values.header[name]?.trim() ?? '';
      if (!value) errors[`header.${name}`] = 'Fill in the header value';
      else if (fillVariables(fields.header.text, values.header).length > 60)
        errors[`header.${name}`] = 'The header is limited to 60 characters';
      else if (/[\n\t]/u.test(value)) errors[`header.${name}`] = 'The header value must be on one line';
    }
  }
  if (fields.header.kind === 'media' && !values.headerMedia) {
    errors.headerMedia = `Choose the ${fields.header.mediaType} for the header`;
  }
  if (fields.header.kind === 'location') {
    const lat = Number(values.location.latitude);
    const lng = Number(values.location.longitude);
    if (values.location.latitude.trim() === '' || !Number.isFinite(lat) || lat < -90 || lat > 90)
      errors['location.latitude'] = 'Enter a latitude between -90 and 90';
    if (values.location.longitude.trim() === '' || !Number.isFinite(lng) || lng < -180 || lng > 180)
      errors['location.longitude'] = 'Enter a longitude between -180 and 180';
  }
  for (const name of fields.body.variables) {
    const value = values.body[name]?.trim() ?? '';
    if (!value) errors[`body.${name}`] = 'Fill in this value';
    else if (value.length > 1024) errors[`body.${name}`] = 'Values are limited to 1,024 characters';
    else if (fields.oneTimeCode && value.length > 15)
      errors[`body.${name}`] = 'A one-time code is at most 15 characters';
    else if (BAD_BODY_PARAM.test(value))
      errors[`body.${name}`] = 'WhatsApp refuses line breaks, tabs or more than four spaces in a row here';
  }
  if (fillVariables(fields.body.text, values.body).length > 1024) {
    errors.body = 'The message is longer than WhatsApp allows for a template (1,024 characters)';
  }
  for (const button of fields.buttons) {
    const value = values.buttons[button.index]?.trim() ?? '';
    if (button.requiresValue && !value) errors[`button.${button.index}`] = 'Fill in the end of the link';
    else if (button.kind === 'url' && value.length > 2000)
      errors[`button.${button.index}`] = 'Links are limited to 2,000 characters';
    else if (button.kind === 'quick_reply' && value.length > 1000)
      errors[`button.${button.index}`] = 'Payloads are limited to 1,000 characters';
  }
  if (fields.unsupported.length > 0) {
    errors.unsupported = `Parley can't fill ${fields.unsupported.join(', ')} yet; send this template from WhatsApp Manager.`;
  }
  return errors;
}

/** The `parameters` of a template send (only valid values; call after {@link validateValues}). */
export function buildParameters(
  template: Template,
  fields: TemplateFields,
  values: TemplateValues,
): TemplateParameters {
  const parameters: TemplateParameters = {};
  if (fields.header.kind === 'text' && fields.header.variables.length > 0) {
    parameters.header = { type: 'text', text: values.header[fields.header.variables[0]!]!.trim() };
  } else if (fields.header.kind === 'media' && values.headerMedia) {
    parameters.header = {
      type: fields.header.mediaType,
      mediaId: values.headerMedia.mediaId,
      ...(fields.header.mediaType === 'document'
        ? { fileName: values.headerMedia.fileName.slice(0, 240) }
        : {}),
    };
  } else if (fields.header.kind === 'location') {
    const { latitude, longitude, name, address } = values.location;
    parameters.header = {
      type: 'location',
      location: {
        latitude: Number(latitude),
        longitude: Number(longitude),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
      },
    };
  }
  if (fields.body.variables.length > 0) {
    parameters.body =
      template.parameterFormat === 'POSITIONAL'
        ? fields.body.variables.map((name) => values.body[name]!.trim())
        : Object.fromEntries(fields.body.variables.map((name) => [name, values.body[name]!.trim()]));
  }
  const buttons: NonNullable<TemplateParameters['buttons']> = [];
  for (const button of fields.buttons) {
    const value = values.buttons[button.index]?.trim() ?? '';
    if (button.kind === 'copy_code') {
      // The copy-code button carries the same code as the body (Meta's authentication send).
      buttons.push({
        type: 'url',
        index: button.index,
        text: values.body[fields.body.variables[0]!]!.trim(),
      });
    } else if (button.kind === 'url' && button.takesValue) {
      buttons.push({ type: 'url', index: button.index, text: value });
    } else if (button.kind === 'quick_reply' && value) {
      buttons.push({ type: 'quick_reply', index: button.index, payload: value });
    }
  }
  if (buttons.length > 0) parameters.buttons = buttons;
  return parameters;
}

/** The text a template search matches: name, body, header, footer, buttons, category and language. */
export function templateSearchText(template: Template): string {
  const parts = [template.name, template.name.replace(/_/g, ' '), template.category, template.language];
  for (const c of template.components) {
    if (c.type === 'BUTTONS') parts.push(...c.buttons.map((b) => b.text));
    else if ('text' in c && c.text) parts.push(c.text);
  }
  return parts.join('\n').toLowerCase();
}
