import { Badge, Box, Group, List, Text } from '@mantine/core';
import { IconTemplate } from '@tabler/icons-react';
import type { SentTemplate } from '#contract/api/messages';
import { safeLabel } from '../../../components/FormattedText';
import { fillVariables, templateFields, TemplatePreview } from '../../../components/TemplatePreview';
import { useThreadContext } from '../thread-context';
import { TextContent } from './TextContent';

/** Props of {@link TemplateContent}. */
export interface TemplateContentProps {
  template: SentTemplate;
}

/** The parameters of a send as `{variable: value}` records, by the template's own variable names. */
function valuesOf(template: SentTemplate, bodyVariables: string[], headerVariables: string[]) {
  const { body, header } = template.parameters;
  const bodyValues: Record<string, string> = Array.isArray(body)
    ? Object.fromEntries(body.map((v, i) => [bodyVariables[i] ?? String(i + 1), v]))
    : { ...(body ?? {}) };
  const headerValues: Record<string, string> =
    header?.type === 'text' && headerVariables[0] ? { [headerVariables[0]]: header.text } : {};
  return { bodyValues, headerValues };
}

/**
 * A template message with its parameters filled in, rendered like WhatsApp shows it, from the
 * server's rendered body or (while queued) from the synced template definition.
 */
export function TemplateContent({ template }: TemplateContentProps) {
  const { templateFor } = useThreadContext();
  const definition = templateFor(template.name, template.language);
  const title = (
    <Group gap={6} mb={6} wrap="nowrap">
      <IconTemplate size={14} aria-hidden />
      <Badge size="xs" variant="light" tt="none">
        Template
      </Badge>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {safeLabel(template.name, 120)} · {safeLabel(template.language, 20)}
      </Text>
    </Group>
  );
  if (definition) {
    const fields = templateFields(definition);
    const headerVars = fields.header.kind === 'text' ? fields.header.variables : [];
    const { bodyValues, headerValues } = valuesOf(template, fields.body.variables, headerVars);
    const mediaHeader = template.parameters.header;
    return (
      <Box>
        {title}
        <TemplatePreview
          fields={fields}
          headerText={
            fields.header.kind === 'text' ? fillVariables(fields.header.text, headerValues) : undefined
          }
          bodyText={template.renderedBody ?? fillVariables(fields.body.text, bodyValues)}
          headerMediaName={
            mediaHeader && 'mediaId' in mediaHeader ? safeLabel(mediaHeader.fileName) || null : null
          }
        />
      </Box>
    );
  }
  const body = template.parameters.body;
  const params = Array.isArray(body)
    ? body.map((v, i) => [String(i + 1), v] as const)
    : Object.entries(body ?? {});
  return (
    <Box>
      {title}
      {template.renderedBody ? (
        <TextContent text={template.renderedBody} />
      ) : params.length > 0 ? (
        <List size="sm">
          {params.map(([name, value]) => (
            <List.Item key={name}>
              {`{{${name}}}`} = {safeLabel(value, 300)}
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          No parameters
        </Text>
      )}
    </Box>
  );
}
