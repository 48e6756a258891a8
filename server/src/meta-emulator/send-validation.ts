// Validation of POST /<phone-number-id>/messages bodies, per digest §4.2/§4.6. Which code Meta
// uses for structural limits is not confirmed (digest §12): we answer 100 for missing or too
// long fields and 131009 for counts (buttons, rows, sections), see README.

/** A message template as stored by the emulator (Meta's GET shape). */
export interface EmulatorTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponentDef[];
  /** When an approved template was edited (ms), for Meta's edit limits. */
  edits?: number[];
}

/** Template component definitions (upper-case types, as GET returns them). */
export type TemplateComponentDef =
  | { type: 'HEADER'; format: 'TEXT'; text: string }
  | { type: 'HEADER'; format: 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' }
  | { type: 'BODY'; text: string; add_security_recommendation?: boolean }
  | { type: 'FOOTER'; text: string; code_expiration_minutes?: number }
  | {
      type: 'BUTTONS';
      buttons: (
        | { type: 'QUICK_REPLY'; text: string }
        | { type: 'URL'; text: string; url: string }
        | { type: 'PHONE_NUMBER'; text: string; phone_number: string }
      )[];
    };

/** A validation failure: Meta code plus `error_data.details`. */
export interface SendViolation {
  code: number;
  details: string;
}

/** What a valid send is, once checked. */
export interface CheckedSend {
  type: string;
  /** Template sends are allowed outside the 24 h window. */
  isTemplate: boolean;
  template?: EmulatorTemplate;
  /** Quick-reply payloads by button index (template sends) — what a customer's tap returns. */
  quickReplies?: { text: string; payload: string }[];
  /** Reply buttons/list rows offered (interactive sends) — what autopilot customers pick from. */
  choices?: { kind: 'button_reply' | 'list_reply'; id: string; title: string; description?: string }[];
  reactionTarget?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';
const v100 = (details: string): { violation: SendViolation } => ({ violation: { code: 100, details } });
const v131009 = (details: string): { violation: SendViolation } => ({ violation: { code: 131009, details } });

function isHttpUrl(v: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

function checkLength(value: unknown, path: string, max: number, required = true): SendViolation | null {
  if (value === undefined && !required) return null;
  if (!str(value) || (required && value.length === 0))
    return { code: 100, details: `Param ${path} is required` };
  if ([...value].length > max)
    return { code: 100, details: `Param ${path} must be at most ${max} characters long.` };
  return null;
}

function mediaRef(o: unknown, path: string, out: string[]): SendViolation | null {
  if (!isObj(o)) return { code: 100, details: `Param ${path} is required` };
  if (str(o.id)) out.push(o.id);
  else if (!str(o.link)) return { code: 100, details: `Param ${path} must have an id or a link` };
  else if (!isHttpUrl(o.link)) return { code: 100, details: `Param ${path}['link'] must be an http(s) URL` };
  if (o.caption !== undefined) return checkLength(o.caption, `${path}['caption']`, 1024);
  return null;
}

/** Placeholders of a template text: `{{1}}`… or `{{name}}`, distinct, in order of appearance. */
function placeholders(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g))
    if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

function checkTemplateParams(
  tpl: EmulatorTemplate,
  part: 'header' | 'body',
  text: string,
  params: unknown[],
): SendViolation | null {
  const wanted = placeholders(text);
  if (params.length !== wanted.length) {
    return {
      code: 132000,
      details: `${part} has ${params.length} parameter(s) but the template expects ${wanted.length}`,
    };
  }
  for (const p of params) {
    if (!isObj(p) || !['text', 'currency', 'date_time'].includes(String(p.type))) {
      return { code: 132012, details: `${part} parameters must be text, currency or date_time` };
    }
    if (p.type === 'text' && !str(p.text))
      return { code: 132012, details: `${part} text parameter needs text` };
    if (tpl.parameterFormat === 'NAMED') {
      if (!str(p.parameter_name) || !wanted.includes(p.parameter_name)) {
        return { code: 132000, details: `${part} parameter_name must be one of ${wanted.join(', ')}` };
      }
    }
  }
  return null;
}

/**
 * Validates a send body (not mark-read). `findTemplates` lists the templates of that name (the
 * language is checked here), `mediaExists` checks an uploaded media id.
 */
export function checkSend(
  body: Obj,
  deps: {
    findTemplates: (name: string) => EmulatorTemplate[];
    mediaExists: (id: string) => boolean;
  },
): { checked: CheckedSend } | { violation: SendViolation } {
  const type = body.type ?? 'text';
  if (!str(type)) return v100('Param type must be a string');
  const obj = body[type];
  const mediaIds: string[] = [];
  const done = (extra: Partial<CheckedSend> = {}) => {
    for (const id of mediaIds) if (!deps.mediaExists(id)) return v100(`Invalid media id ${id}`);
    return { checked: { type, isTemplate: false, ...extra } };
  };
  switch (type) {
    case 'text': {
      if (!isObj(obj)) return v100("Param text['body'] is required");
      const bad = checkLength(obj.body, "text['body']", 4096);
      return bad ? { violation: bad } : done();
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const bad = mediaRef(obj, type, mediaIds);
      if (bad) return { violation: bad };
      if (type === 'document' && isObj(obj) && obj.filename !== undefined && !str(obj.filename)) {
        return v100("Param document['filename'] must be a string");
      }
      return done();
    }
    case 'location': {
      if (!isObj(obj) || typeof obj.latitude !== 'number' || typeof obj.longitude !== 'number') {
        return v100('Param location requires numeric latitude and longitude');
      }
      return done();
    }
    case 'contacts': {
      if (!Array.isArray(obj) || obj.length === 0) return v100('Param contacts must be a non-empty array');
      for (const c of obj) {
        if (!isObj(c) || !isObj(c.name) || !str(c.name.formatted_name)) {
          return v100("Param contacts[]['name']['formatted_name'] is required");
        }
      }
      return done();
    }
    case 'reaction': {
      if (!isObj(obj) || !str(obj.message_id)) return v100("Param reaction['message_id'] is required");
      if (obj.emoji !== undefined && !str(obj.emoji)) return v100("Param reaction['emoji'] must be a string");
      return done({ reactionTarget: obj.message_id });
    }
    case 'interactive':
      return checkInteractive(obj, mediaIds, done);
    case 'template':
      return checkTemplate(obj, deps, mediaIds, done);
    default:
      return v100(`Param type "${type}" is not a valid message type`);
  }
}

function checkInteractive(
  obj: unknown,
  mediaIds: string[],
  done: (extra?: Partial<CheckedSend>) => { checked: CheckedSend } | { violation: SendViolation },
): { checked: CheckedSend } | { violation: SendViolation } {
  if (!isObj(obj) || !str(obj.type)) return v100("Param interactive['type'] is required");
  const action = obj.action;
  if (!isObj(obj.body)) return v100("Param interactive['body'] is required");
  if (isObj(obj.footer)) {
    const bad = checkLength(obj.footer.text, "interactive['footer']['text']", 60);
    if (bad) return { violation: bad };
  }
  if (isObj(obj.header)) {
    const h = obj.header;
    if (h.type === 'text') {
      const bad = checkLength(h.text, "interactive['header']['text']", 60);
      if (bad) return { violation: bad };
    } else if (str(h.type) && ['image', 'video', 'document'].includes(h.type)) {
      const bad = mediaRef(h[h.type], `interactive['header']['${h.type}']`, mediaIds);
      if (bad) return { violation: bad };
    }
  }
  switch (obj.type) {
    case 'button': {
      const bad = checkLength(obj.body.text, "interactive['body']['text']", 1024);
      if (bad) return { violation: bad };
      if (!isObj(action) || !Array.isArray(action.buttons))
        return v100("Param interactive['action']['buttons'] is required");
      if (action.buttons.length < 1 || action.buttons.length > 3) {
        return v131009(`Buttons count is ${action.buttons.length}; it must be between 1 and 3`);
      }
      const choices: NonNullable<CheckedSend['choices']> = [];
      for (const b of action.buttons) {
        const r = isObj(b) && isObj(b.reply) ? b.reply : null;
        if (!r || !str(r.id) || !str(r.title)) return v100('Each button needs reply.id and reply.title');
        if ([...r.title].length > 20) return v131009('Button title length must be at most 20 characters');
        if (r.id.length > 256) return v131009('Button id length must be at most 256 characters');
        if (choices.some((c) => c.title === r.title)) return v131009('Button titles must be unique');
        if (choices.some((c) => c.id === r.id)) return v131009('Button ids must be unique');
        choices.push({ kind: 'button_reply', id: r.id, title: r.title });
      }
      return done({ choices });
    }
    case 'list': {
      const bad = checkLength(obj.body.text, "interactive['body']['text']", 4096);
      if (bad) return { violation: bad };
      if (!isObj(action) || !Array.isArray(action.sections))
        return v100("Param interactive['action']['sections'] is required");
      const badButton = checkLength(action.button, "interactive['action']['button']", 20);
      if (badButton) return { violation: badButton };
      if (action.sections.length < 1 || action.sections.length > 10)
        return v131009('A list must have 1 to 10 sections');
      const choices: NonNullable<CheckedSend['choices']> = [];
      const several = action.sections.length > 1;
      for (const s of action.sections) {
        if (!isObj(s) || !Array.isArray(s.rows)) return v100('Each section needs rows');
        if (several || s.title !== undefined) {
          const badTitle = checkLength(s.title, "interactive['action']['sections'][]['title']", 24);
          if (badTitle) return { violation: badTitle };
        }
        for (const r of s.rows) {
          if (!isObj(r) || !str(r.id) || !str(r.title)) return v100('Each row needs id and title');
          if ([...r.title].length > 24) return v131009('Row title length must be at most 24 characters');
          if (r.id.length > 200) return v131009('Row id length must be at most 200 characters');
          if (choices.some((c) => c.id === r.id)) return v131009('Row ids must be unique');
          if (r.description !== undefined && (!str(r.description) || [...r.description].length > 72)) {
            return v131009('Row description length must be at most 72 characters');
          }
          choices.push({
            kind: 'list_reply',
            id: r.id,
            title: r.title,
            description: r.description as string | undefined,
          });
        }
      }
      if (choices.length > 10) return v131009(`Total row count is ${choices.length}; it must be at most 10`);
      return done({ choices });
    }
    case 'cta_url': {
      const bad = checkLength(obj.body.text, "interactive['body']['text']", 1024);
      if (bad) return { violation: bad };
      const p = isObj(action) && isObj(action.parameters) ? action.parameters : null;
      if (!isObj(action) || action.name !== 'cta_url')
        return v100("Param interactive['action']['name'] must be cta_url");
      if (!p || !str(p.url)) return v100("Param interactive['action']['parameters']['url'] is required");
      if (!isHttpUrl(p.url))
        return v100("Param interactive['action']['parameters']['url'] must be an http(s) URL");
      const badText = checkLength(p.display_text, "interactive['action']['parameters']['display_text']", 20);
      return badText ? { violation: badText } : done();
    }
    default:
      return v100(`Interactive type "${String(obj.type)}" is not supported`);
  }
}

function checkTemplate(
  obj: unknown,
  deps: { findTemplates: (name: string) => EmulatorTemplate[] },
  mediaIds: string[],
  done: (extra?: Partial<CheckedSend>) => { checked: CheckedSend } | { violation: SendViolation },
): { checked: CheckedSend } | { violation: SendViolation } {
  if (!isObj(obj) || !str(obj.name)) return v100("Param template['name'] is required");
  const lang = isObj(obj.language) ? obj.language.code : undefined;
  if (!str(lang)) return v100("Param template['language']['code'] is required");
  const tpl = deps.findTemplates(obj.name).find((t) => t.language === lang && t.status === 'APPROVED');
  if (!tpl) {
    return {
      violation: {
        code: 132001,
        details: `template name (${obj.name}) does not exist in ${lang}`,
      },
    };
  }
  const comps = Array.isArray(obj.components) ? obj.components.filter(isObj) : [];
  const sent = (t: string) => comps.find((c) => String(c.type).toLowerCase() === t);
  const header = tpl.components.find((c) => c.type === 'HEADER');
  const body = tpl.components.find((c) => c.type === 'BODY');
  const buttons = tpl.components.find((c) => c.type === 'BUTTONS');

  const headerParams = Array.isArray(sent('header')?.parameters)
    ? (sent('header')!.parameters as unknown[])
    : [];
  if (header && header.type === 'HEADER') {
    if (header.format === 'TEXT') {
      const bad = checkTemplateParams(tpl, 'header', header.text, headerParams);
      if (bad) return { violation: bad };
    } else {
      const want = header.format.toLowerCase();
      if (headerParams.length !== 1) {
        return { violation: { code: 132000, details: `header expects 1 ${want} parameter` } };
      }
      const p = headerParams[0];
      if (!isObj(p) || p.type !== want) {
        return { violation: { code: 132012, details: `header parameter must be of type ${want}` } };
      }
      if (want !== 'location') {
        const bad = mediaRef(p[want], `template header ${want}`, mediaIds);
        if (bad) return { violation: { code: 132012, details: bad.details } };
      }
    }
  } else if (headerParams.length > 0) {
    return { violation: { code: 132000, details: 'template has no header parameters' } };
  }

  const bodyParams = Array.isArray(sent('body')?.parameters) ? (sent('body')!.parameters as unknown[]) : [];
  const bad = checkTemplateParams(tpl, 'body', body && body.type === 'BODY' ? body.text : '', bodyParams);
  if (bad) return { violation: bad };

  const defs = buttons && buttons.type === 'BUTTONS' ? buttons.buttons : [];
  const quickReplies = defs.map((b) => ({ text: b.text, payload: b.text }));
  for (const c of comps.filter((c) => String(c.type).toLowerCase() === 'button')) {
    const index = Number(c.index);
    const def = defs[index];
    if (!def) return v131009(`template has no button at index ${String(c.index)}`);
    const p = Array.isArray(c.parameters) && isObj(c.parameters[0]) ? c.parameters[0] : null;
    if (c.sub_type === 'quick_reply') {
      if (def.type !== 'QUICK_REPLY')
        return { violation: { code: 132012, details: `button ${index} is not a quick reply` } };
      if (!p || p.type !== 'payload' || !str(p.payload))
        return { violation: { code: 132012, details: 'quick_reply needs a payload' } };
      quickReplies[index] = { text: def.text, payload: p.payload };
    } else if (c.sub_type === 'url') {
      if (def.type !== 'URL')
        return { violation: { code: 132012, details: `button ${index} is not a URL button` } };
      if (!p || p.type !== 'text' || !str(p.text))
        return { violation: { code: 132012, details: 'url button needs a text parameter' } };
    } else {
      return v100(`button sub_type ${String(c.sub_type)} is not supported`);
    }
  }
  return done({
    isTemplate: true,
    template: tpl,
    quickReplies: defs.flatMap((d, i) => (d.type === 'QUICK_REPLY' ? [quickReplies[i]!] : [])),
  });
}
