import { describe, expect, it } from 'vitest';
import { bodyMapping, bodyVariables } from './template-fields';

const tpl = (text: string) => ({ components: [{ type: 'BODY' as const, text }] });

describe('intake template fields', () => {
  it('reads numbered and named variables once each, in order', () => {
    expect(bodyVariables(tpl('Hi {{1}}, your {{2}} is ready, {{1}}'))).toEqual(['1', '2']);
    expect(bodyVariables(tpl('Hi {{first_name}} from {{ city }}'))).toEqual(['first_name', 'city']);
    expect(bodyVariables({ components: [] })).toEqual([]);
  });

  it('maps numbered variables to a list and named ones to an object, defaulting to the name', () => {
    expect(bodyMapping(['2', '1'], { '1': 'name', '2': ' product ' })).toEqual(['name', 'product']);
    expect(bodyMapping(['first_name'], {})).toEqual({ first_name: 'name' });
    expect(bodyMapping([], {})).toBeUndefined();
  });
});
