import {
  Box,
  Button,
  FileButton,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import type { FieldErrors, TemplateFields, TemplateValues } from '../../../components/TemplatePreview';
import { ACCEPT_ATTRIBUTE } from '../media-limits';

/** Props of {@link TemplateForm}. */
export interface TemplateFormProps {
  fields: TemplateFields;
  values: TemplateValues;
  /** Errors to show (after a send attempt, or once a field was touched). */
  errors: FieldErrors;
  onChange(values: TemplateValues): void;
  /** Picks the media header's file. */
  onPickHeaderMedia(file: File): void;
  /** Staging the header's file. */
  headerMediaState: { busy: boolean; error: string | null };
  isPositional: boolean;
}

const variableLabel = (name: string) => `{{${name}}}`;

/**
 * The parameters a template asks for: header (text, media or location), body variables
 * (positional {{1}} or named {{first_name}}) and button values (quick-reply payloads, URL
 * suffixes), each with its error.
 */
export function TemplateForm({
  fields,
  values,
  errors,
  onChange,
  onPickHeaderMedia,
  headerMediaState,
  isPositional,
}: TemplateFormProps) {
  const set = (change: Partial<TemplateValues>) => onChange({ ...values, ...change });
  const { header } = fields;
  const mediaAccept =
    header.kind === 'media'
      ? header.mediaType === 'image'
        ? 'image/jpeg,image/png'
        : header.mediaType === 'video'
          ? 'video/mp4,video/3gpp'
          : ACCEPT_ATTRIBUTE
      : '';
  return (
    <Stack gap="sm">
      {header.kind === 'text' &&
        header.variables.map((name) => (
          <TextInput
            key={`h${name}`}
            label={`Header ${variableLabel(name)}`}
            value={values.header[name] ?? ''}
            onChange={(e) => set({ header: { ...values.header, [name]: e.currentTarget.value } })}
            error={errors[`header.${name}`]}
            withAsterisk
            maxLength={60}
          />
        ))}
      {header.kind === 'media' && (
        <Box>
          <Text size="sm" fw={500}>
            Header {header.mediaType}
          </Text>
          <Group gap="xs" mt={4}>
            <FileButton onChange={(file) => file && onPickHeaderMedia(file)} accept={mediaAccept}>
              {(props) => (
                <Button
                  {...props}
                  size="xs"
                  variant="default"
                  leftSection={<IconPaperclip size={14} aria-hidden />}
                  loading={headerMediaState.busy}
                >
                  {values.headerMedia ? `Change ${header.mediaType}` : `Choose ${header.mediaType}`}
                </Button>
              )}
            </FileButton>
            {values.headerMedia && (
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {values.headerMedia.fileName}
              </Text>
            )}
          </Group>
          {(headerMediaState.error ?? errors.headerMedia) && (
            <Text size="sm" c="var(--mantine-color-error)" role="alert" mt={4}>
              {headerMediaState.error ?? errors.headerMedia}
            </Text>
          )}
        </Box>
      )}
      {header.kind === 'location' && (
        <SimpleGrid cols={2} spacing="xs">
          <NumberInput
            label="Latitude"
            value={values.location.latitude}
            onChange={(v) => set({ location: { ...values.location, latitude: String(v) } })}
            error={errors['location.latitude']}
            withAsterisk
            decimalScale={6}
            hideControls
          />
          <NumberInput
            label="Longitude"
            value={values.location.longitude}
            onChange={(v) => set({ location: { ...values.location, longitude: String(v) } })}
            error={errors['location.longitude']}
            withAsterisk
            decimalScale={6}
            hideControls
          />
          <TextInput
            label="Place name"
            value={values.location.name}
            onChange={(e) => set({ location: { ...values.location, name: e.currentTarget.value } })}
          />
          <TextInput
            label="Address"
            value={values.location.address}
            onChange={(e) => set({ location: { ...values.location, address: e.currentTarget.value } })}
          />
        </SimpleGrid>
      )}
      {fields.body.variables.length > 0 && !fields.oneTimeCode && (
        <Text size="xs" c="dimmed">
          {isPositional ? 'Body values, in order' : 'Body values'}
        </Text>
      )}
      {fields.body.variables.map((name) => (
        <TextInput
          key={`b${name}`}
          label={fields.oneTimeCode ? 'One-time code' : `Body ${variableLabel(name)}`}
          description={fields.oneTimeCode ? 'Sent in the message and copied by its button' : undefined}
          value={values.body[name] ?? ''}
          onChange={(e) => set({ body: { ...values.body, [name]: e.currentTarget.value } })}
          error={errors[`body.${name}`]}
          withAsterisk
        />
      ))}
      {errors.body && (
        <Text size="sm" c="var(--mantine-color-error)" role="alert">
          {errors.body}
        </Text>
      )}
      {fields.buttons
        .filter((b) => b.takesValue)
        .map((b) =>
          b.kind === 'url' ? (
            <TextInput
              key={`btn${b.index}`}
              label={`End of the link for “${b.text}”`}
              description={b.url ? `Added to ${b.url.replace(/\{\{\s*1\s*\}\}/u, '…')}` : undefined}
              value={values.buttons[b.index] ?? ''}
              onChange={(e) => set({ buttons: { ...values.buttons, [b.index]: e.currentTarget.value } })}
              error={errors[`button.${b.index}`]}
              withAsterisk={b.requiresValue}
            />
          ) : (
            <TextInput
              key={`btn${b.index}`}
              label={`Payload for “${b.text}” (optional)`}
              description="Returned in the webhook when the customer taps the button"
              value={values.buttons[b.index] ?? ''}
              onChange={(e) => set({ buttons: { ...values.buttons, [b.index]: e.currentTarget.value } })}
              error={errors[`button.${b.index}`]}
            />
          ),
        )}
      {errors.unsupported && (
        <Text size="sm" c="var(--mantine-color-error)" role="alert">
          {errors.unsupported}
        </Text>
      )}
    </Stack>
  );
}
