import { describe, expect, it } from 'vitest';
import { filterCommands, type Command } from './commands';

const cmd = (id: string, label: string, group = 'Go to', keywords?: string): Command => ({
  id,
  label,
  group,
  keywords,
  run: () => {},
});

describe('filterCommands', () => {
  const all = [
    cmd('mine', 'Go to Mine'),
    cmd('unassigned', 'Go to Unassigned'),
    cmd('resolve', 'Resolve', 'Conversation', 'status close'),
    cmd('assign-sam', 'Assign to Sam Agent', 'Conversation', 'reassign'),
    cmd('dark', 'Dark theme', 'Theme', 'switch appearance'),
    cmd('jose', 'Assign to José', 'Conversation'),
  ];

  it('keeps everything for an empty query', () => {
    expect(filterCommands(all, '  ')).toHaveLength(all.length);
  });

  it('needs every word, matches word starts and keywords, ignores case and accents', () => {
    expect(filterCommands(all, 'go un').map((c) => c.id)).toEqual(['unassigned']);
    expect(filterCommands(all, 'close').map((c) => c.id)).toEqual(['resolve']);
    expect(filterCommands(all, 'SWITCH').map((c) => c.id)).toEqual(['dark']);
    expect(filterCommands(all, 'jose').map((c) => c.id)).toEqual(['jose']);
    expect(filterCommands(all, 'assign sam').map((c) => c.id)).toEqual(['assign-sam']);
    expect(filterCommands(all, 'zebra')).toEqual([]);
  });

  it('ranks label prefixes first', () => {
    // Word starts first; "Unassigned" only contains the word, so it comes last.
    expect(filterCommands(all, 'assign').map((c) => c.id)).toEqual(['assign-sam', 'jose', 'unassigned']);
    expect(filterCommands(all, 're')[0]!.id).toBe('resolve');
  });
});
