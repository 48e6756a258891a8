import { Alert, Button, Center, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface ErrorBoundaryState {
  error: Error | null;
}

/** Last line of defence: a rendering bug shows a sentence and a reload button, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): ErrorBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('parley: render failed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Center component="main" mih="100vh" p="md">
        <Stack maw={480}>
          <Alert color="red" title="Something went wrong">
            <Text size="sm">
              Parley hit an unexpected problem while drawing this window. Your data is safe.
            </Text>
          </Alert>
          <Button onClick={() => window.location.reload()}>Reload the window</Button>
        </Stack>
      </Center>
    );
  }
}
