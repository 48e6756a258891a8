import { IconCheck } from '@tabler/icons-react';
import type { MouseEvent } from 'react';

/** Props of {@link SelectCheckbox}. */
export interface SelectCheckboxProps {
  conversationId: string;
  /** The contact's name, for the accessible name. */
  name: string;
  checked: boolean;
  /** `range`: Shift was held (check from the anchor to here). */
  onCheck(id: string, range: boolean): void;
}

/**
 * The row's selection cell for bulk actions. A `role="checkbox"` that is NOT focusable: the
 * listbox keeps keyboard focus (`aria-activedescendant`) and `x` toggles the row there, so the
 * option holds no tab stop of its own (axe's nested-interactive). A click never opens the row.
 */
export function SelectCheckbox({ conversationId, name, checked, onCheck }: SelectCheckboxProps) {
  const handleClick = (e: MouseEvent) => {
    e.stopPropagation();
    // Shift-click in a list selects text by default: the range is ours.
    e.preventDefault();
    onCheck(conversationId, e.shiftKey);
  };
  return (
    <span
      role="checkbox"
      aria-checked={checked}
      aria-label={`Select conversation with ${name}`}
      className="pc-check"
      onClick={handleClick}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault();
      }}
    >
      <span className="pc-check-box" aria-hidden>
        {checked && <IconCheck size={12} stroke={3} />}
      </span>
    </span>
  );
}
