import { ActionIcon, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { IconPencil, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { CreateTeamBody, UpdateTeamBody, type Team } from '#contract/api/teams';
import type { AppError } from '#contract/result';
import { useMembers, useParleyClient, useTeams } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, Loading, OfflineNotice } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { canEditTeams } from '../sections';

/**
 * Teams: read from the replica (so they show offline and update live as the server's changes
 * sync), changed over the server's REST API (admins; managers read). A change shows once the
 * sync brings it back, which is how every other device sees it too.
 */
export function TeamsSection({ user, online }: { user: SessionUser; online: boolean }) {
  const teams = useTeams();
  const members = useMembers();
  const editable = canEditTeams(user.role) && online;
  const client = useParleyClient();
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);

  const act = async (title: string, run: () => Promise<{ ok: boolean; error?: AppError }>) => {
    setError(null);
    const r = await run();
    if (!r.ok && r.error) setError({ title, error: r.error });
  };

  if (!teams || !members) return <Loading what="teams" />;
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? 'A former member';
  return (
    <Stack>
      {!canEditTeams(user.role) && (
        <Text size="sm" c="dimmed">
          Only admins can change teams.
        </Text>
      )}
      {canEditTeams(user.role) && !online && <OfflineNotice note="Connect to change teams." />}
      {editable && <CreateTeamForm />}
      {error && <ActionError error={error.error} title={error.title} />}
      {teams.length === 0 && <Text size="sm">No teams yet.</Text>}
      {teams.map((t) => {
        const candidates = members.filter((m) => !m.deactivatedAt && !t.memberIds.includes(m.id));
        return (
          <Card key={t.id} withBorder component="article" aria-label={`Team ${t.name}`}>
            <Group justify="space-between" mb="xs">
              {editable ? (
                <RenameTeam team={t} />
              ) : (
                <Title order={3} size="h5">
                  {t.name}
                </Title>
              )}
              {editable && (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  leftSection={<IconTrash size={14} aria-hidden />}
                  aria-label={`Delete team ${t.name}`}
                  onClick={() => setDeleting(t)}
                >
                  Delete
                </Button>
              )}
            </Group>
            <Stack gap={4}>
              {t.memberIds.length === 0 && (
                <Text size="sm" c="dimmed">
                  No members.
                </Text>
              )}
              {t.memberIds.map((id) => (
                <Group key={id} gap="xs">
                  <Text size="sm">{nameOf(id)}</Text>
                  {editable && (
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      aria-label={`Remove ${nameOf(id)} from ${t.name}`}
                      onClick={() =>
                        void act(`${nameOf(id)} was not removed`, () =>
                          client.call('admin:setTeamMember', { teamId: t.id, userId: id, member: false }),
                        )
                      }
                    >
                      <IconX size={14} aria-hidden />
                    </ActionIcon>
                  )}
                </Group>
              ))}
              {editable && candidates.length > 0 && (
                <Select
                  mt="xs"
                  size="xs"
                  w={260}
                  aria-label={`Add a member to ${t.name}`}
                  placeholder="Add a member…"
                  data={candidates.map((m) => ({ value: m.id, label: m.name }))}
                  value={null}
                  searchable
                  onChange={(userId) => {
                    if (userId)
                      void act('The member was not added', () =>
                        client.call('admin:setTeamMember', { teamId: t.id, userId, member: true }),
                      );
                  }}
                />
              )}
            </Stack>
          </Card>
        );
      })}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete team ${deleting?.name ?? ''}?`}
        confirmLabel="Delete team"
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting
            ? act(`Team ${deleting.name} was not deleted`, () =>
                client.call('admin:deleteTeam', { id: deleting.id }),
              )
            : Promise.resolve()
        }
      >
        The team and its view go away for everyone. Its conversations stay, without a team; members keep their
        accounts.
      </ConfirmDialog>
    </Stack>
  );
}

/** Creates a team by name. */
function CreateTeamForm() {
  const client = useParleyClient();
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: schemaResolver(CreateTeamBody, { sync: true }),
  });
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    const r = await client.call('admin:createTeam', { name: values.name, memberIds: [] });
    setBusy(false);
    if (r.ok) form.reset();
    else form.setErrors({ name: fieldErrorsOf(r.error).name ?? r.error.message });
  });
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Create a team">
      <Group align="flex-end">
        <TextInput label="New team name" w={280} {...form.getInputProps('name')} />
        <Button type="submit" loading={busy}>
          Create team
        </Button>
      </Group>
    </form>
  );
}

/** A team's name, editable in place. */
function RenameTeam({ team }: { team: Team }) {
  const client = useParleyClient();
  const [editing, setEditing] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: team.name },
    validate: schemaResolver(UpdateTeamBody, { sync: true }),
  });
  if (!editing)
    return (
      <Group gap="xs">
        <Title order={3} size="h5">
          {team.name}
        </Title>
        <ActionIcon
          variant="subtle"
          size="sm"
          aria-label={`Rename team ${team.name}`}
          onClick={() => {
            form.setValues({ name: team.name });
            setEditing(true);
          }}
        >
          <IconPencil size={14} aria-hidden />
        </ActionIcon>
      </Group>
    );
  const submit = form.onSubmit(async (values) => {
    const r = await client.call('admin:renameTeam', { id: team.id, name: values.name });
    if (r.ok) setEditing(false);
    else form.setErrors({ name: fieldErrorsOf(r.error).name ?? r.error.message });
  });
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label={`Rename team ${team.name}`}>
      <Group gap="xs" align="flex-start">
        <TextInput size="xs" label="Team name" {...form.getInputProps('name')} data-autofocus autoFocus />
        <Button size="xs" type="submit" mt={22}>
          Save
        </Button>
        <Button size="xs" variant="default" mt={22} onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}
