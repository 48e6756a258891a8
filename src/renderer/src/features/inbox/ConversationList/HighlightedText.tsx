import { splitMatches } from '../conversation-format';

/** Text with the search's words wrapped in `<mark>`; plain text when there is no search. */
export function HighlightedText({ text, query }: { text: string; query: string | undefined }) {
  if (!query) return <>{text}</>;
  return (
    <>
      {splitMatches(text, query).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : part.text,
      )}
    </>
  );
}
