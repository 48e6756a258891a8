import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations, render, screen, within } from '../../../test-utils/render';
import { ViewerRoster, type Viewer } from './ViewerRoster';

const people: Viewer[] = [
  { id: '1', name: 'Ben Okafor', availability: 'available' },
  { id: '2', name: 'Cy Twombly', availability: 'away' },
  { id: '3', name: 'Dee Dee', availability: 'available' },
  { id: '4', name: 'Eve Arden', availability: 'offline' },
];

describe('ViewerRoster', () => {
  it('shows everyone up to the limit, each with their availability', async () => {
    render(<ViewerRoster viewers={people.slice(0, 3)} />);
    const roster = screen.getByRole('group', { name: 'Also here: Ben Okafor, Cy Twombly, Dee Dee' });
    expect(
      within(roster)
        .getAllByRole('img')
        .map((i) => i.getAttribute('aria-label')),
    ).toEqual(['Ben Okafor — Available', 'Cy Twombly — Away', 'Dee Dee — Available']);
    await expectNoAxeViolations();
  });

  it('past the limit, ends with "+N" naming the rest, so the list stays complete', async () => {
    render(<ViewerRoster viewers={people} />);
    const roster = screen.getByRole('group', {
      name: 'Also here: Ben Okafor, Cy Twombly, Dee Dee, Eve Arden',
    });
    const imgs = within(roster).getAllByRole('img');
    expect(imgs).toHaveLength(3);
    expect(imgs[2]).toHaveAccessibleName('2 more: Dee Dee, Eve Arden');
    expect(imgs[2]).toHaveTextContent('+2');
    await expectNoAxeViolations();
  });

  it('is nothing when no one else is here', () => {
    const { container } = render(<ViewerRoster viewers={[]} />);
    expect(container.querySelector('[data-testid="viewer-roster"]')).toBeNull();
  });
});
