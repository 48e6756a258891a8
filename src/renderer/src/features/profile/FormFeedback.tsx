import { Alert } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';

/** The outcome of a form submission, shown under the form. */
export type Feedback =
  { kind: 'success'; message: string } | { kind: 'error'; title: string; message: string };

/** A success note (polite status) or a failure (assertive alert). */
export function FormFeedback({ feedback }: { feedback: Feedback | null }) {
  if (!feedback) return null;
  if (feedback.kind === 'success') {
    return (
      <Alert role="status" color="green" variant="light" icon={<IconCircleCheck aria-hidden />}>
        {feedback.message}
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" title={feedback.title} icon={<IconAlertCircle aria-hidden />}>
      {feedback.message}
    </Alert>
  );
}
