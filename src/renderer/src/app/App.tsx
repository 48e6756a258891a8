import { Alert, Center, Loader, Stack } from '@mantine/core';
import { useSession, useSettings } from '../api';
import { AcceptInviteScreen, SignInScreen, useInviteLink } from '../features/auth';
import { AppFrame } from './AppFrame/AppFrame';

/** Chooses the screen from the session: loading, sign-in, or the signed-in frame. */
export function App() {
  const { session, loadError } = useSession();
  const { settings } = useSettings();
  const invite = useInviteLink();

  if (!session && loadError) {
    return (
      <Center component="main" mih="100vh" p="md">
        <Stack maw={480}>
          <Alert color="red" title="Parley could not start">
            {loadError.message}
          </Alert>
        </Stack>
      </Center>
    );
  }
  // Wait for the settings too, so the first painted screen already has the right theme.
  if (!session || !settings) {
    return (
      <Center component="main" mih="100vh" aria-busy="true">
        <Loader role="status" aria-label="Loading Parley" />
      </Center>
    );
  }
  if (invite.link !== null)
    return (
      <AcceptInviteScreen
        key={invite.link}
        initialLink={invite.link}
        onCancel={invite.close}
        onAccepted={invite.close}
      />
    );
  if (session.status === 'signed_in') return <AppFrame session={session} />;
  return <SignInScreen lastServerUrl={session.lastServerUrl} onHaveInvite={() => invite.open()} />;
}
