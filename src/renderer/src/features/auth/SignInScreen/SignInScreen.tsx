import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { ipc } from '#contract/ipc/contract';
import type { AppError } from '#contract/result';
import { useAppInfo, useSession } from '../../../api';
import { fieldErrorsFrom, signInErrorBody, signInErrorTitle } from '../sign-in-errors';

type Field = 'serverUrl' | 'email' | 'password';
type FieldErrors = Partial<Record<Field, string>>;
const FIELDS: Field[] = ['serverUrl', 'email', 'password'];

/** Props of {@link SignInScreen}. */
export interface SignInScreenProps {
  /** The server signed in to last time, which wins over the app's default. */
  lastServerUrl: string | null;
  /** Shows the screen that accepts an invite link (absent: no link offered). */
  onHaveInvite?(): void;
}

/**
 * The signed-out screen: server URL, email and password. Input is checked with the same
 * contract schema the main process applies, so the messages beside the fields match what the
 * app would reject; server failures show in an alert above the button.
 */
export function SignInScreen({ lastServerUrl, onHaveInvite }: SignInScreenProps) {
  const appInfo = useAppInfo();
  const { signIn } = useSession();
  // `null` until the person edits the field: until then it shows the pre-filled URL, which
  // may arrive after the first render (app:info is asynchronous).
  const [serverUrlInput, setServerUrlInput] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const serverUrlRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const serverUrl = serverUrlInput ?? lastServerUrl ?? appInfo?.defaultServerUrl ?? '';

  const focusFirstInvalid = (errors: FieldErrors) => {
    const first = FIELDS.find((f) => errors[f]);
    const refs = { serverUrl: serverUrlRef, email: emailRef, password: passwordRef };
    if (first) refs[first].current?.focus();
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isSubmitting) return;
    setServerError(null);
    const parsed = ipc['session:signIn'].input.safeParse({ serverUrl, email, password });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if (typeof key === 'string' && FIELDS.includes(key as Field)) errors[key as Field] ??= issue.message;
      }
      setFieldErrors(errors);
      focusFirstInvalid(errors);
      return;
    }
    setFieldErrors({});
    setIsSubmitting(true);
    const result = await signIn(parsed.data);
    // On success the session changes and this screen unmounts; nothing else to do.
    if (!result.ok) {
      setIsSubmitting(false);
      const fromServer = fieldErrorsFrom(result.error) as FieldErrors;
      if (Object.keys(fromServer).length > 0) {
        setFieldErrors(fromServer);
        focusFirstInvalid(fromServer);
      } else {
        setServerError(result.error);
      }
    }
  };

  const clearFieldError = (field: Field) =>
    setFieldErrors((errors) => (errors[field] ? { ...errors, [field]: undefined } : errors));

  return (
    <Center component="main" mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack gap="lg">
          <div>
            <Title order={1} size="h2">
              Sign in to Parley
            </Title>
            <Text c="dimmed" size="sm" mt={4}>
              Use the account your organization gave you.
            </Text>
          </div>
          <form noValidate onSubmit={(e) => void handleSubmit(e)} aria-label="Sign in">
            <Stack gap="md">
              <TextInput
                ref={serverUrlRef}
                label="Server URL"
                type="url"
                inputMode="url"
                autoComplete="url"
                spellCheck={false}
                required
                value={serverUrl}
                onChange={(e) => {
                  setServerUrlInput(e.currentTarget.value);
                  clearFieldError('serverUrl');
                }}
                error={fieldErrors.serverUrl}
                disabled={isSubmitting}
              />
              <TextInput
                ref={emailRef}
                label="Email"
                type="email"
                autoComplete="username"
                spellCheck={false}
                required
                value={email}
                onChange={(e) => {
                  setEmail(e.currentTarget.value);
                  clearFieldError('email');
                }}
                error={fieldErrors.email}
                disabled={isSubmitting}
                data-autofocus
              />
              <PasswordInput
                ref={passwordRef}
                label="Password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => {
                  setPassword(e.currentTarget.value);
                  clearFieldError('password');
                }}
                error={fieldErrors.password}
                // Mantine's PasswordInput does not set aria-invalid on the inner input itself.
                aria-invalid={fieldErrors.password ? true : undefined}
                disabled={isSubmitting}
              />
              {serverError && (
                <Alert
                  color="red"
                  variant="light"
                  title={signInErrorTitle(serverError)}
                  icon={<IconAlertCircle aria-hidden />}
                >
                  {signInErrorBody(serverError)}
                </Alert>
              )}
              <Button type="submit" fullWidth loading={isSubmitting} loaderProps={{ type: 'dots' }}>
                Sign in
              </Button>
              {isSubmitting && (
                <Text size="sm" c="dimmed" ta="center" role="status">
                  Signing in…
                </Text>
              )}
              {onHaveInvite && (
                <Anchor component="button" type="button" size="sm" onClick={onHaveInvite}>
                  I have an invitation
                </Anchor>
              )}
            </Stack>
          </form>
        </Stack>
      </Paper>
    </Center>
  );
}
