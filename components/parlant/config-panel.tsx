'use client'

import { type FormEvent, useId, useRef, useState } from 'react'
import {
  Button,
  Input,
  Label,
  Modal,
  ModalBody,
  ModalClose,
  ModalContent,
  ModalDescription,
  ModalFooter,
  ModalHeader,
  Textarea,
} from '@sim/emcn'
import { Plus, Trash } from '@sim/emcn/icons'
import { getErrorMessage } from '@sim/utils/errors'
import { COMPOSITION_MODES } from '@/components/parlant/composition-modes'
import {
  type AgentView,
  type CompositionMode,
  createAgentInputSchema,
  describeIssues,
  updateAgentInputSchema,
} from '@/lib/parlant/schemas'
import { isParlantApiError } from '@/stores/parlant/api'
import { useParlantStore } from '@/stores/parlant/store'

interface GuidelineDraft {
  key: string
  id?: string
  condition: string
  action: string
}

interface Draft {
  name: string
  description: string
  compositionMode: CompositionMode
  /** Kept as typed so a half-typed number is never thrown away. */
  maxEngineIterations: string
  guidelines: GuidelineDraft[]
}

let guidelineKeys = 0
const nextKey = () => {
  guidelineKeys += 1
  return `g${guidelineKeys}`
}

function draftFrom(agent: AgentView | undefined): Draft {
  return {
    name: agent?.name ?? '',
    description: agent?.description ?? '',
    compositionMode: agent?.compositionMode ?? 'fluid',
    maxEngineIterations: String(agent?.maxEngineIterations ?? 3),
    guidelines: (agent?.guidelines ?? []).map((g) => ({
      key: nextKey(),
      id: g.id,
      condition: g.condition,
      action: g.action,
    })),
  }
}

/** The request body the draft stands for (validated by the API's own schemas). */
function inputFrom(draft: Draft, editing: boolean) {
  const iterations = draft.maxEngineIterations.trim()
  return {
    name: draft.name,
    // A new agent with no description has none; an edited one may clear it.
    description: !editing && draft.description.trim() === '' ? undefined : draft.description,
    compositionMode: draft.compositionMode,
    maxEngineIterations: iterations === '' ? Number.NaN : Number(iterations),
    guidelines: draft.guidelines.map((g) =>
      g.id
        ? { id: g.id, condition: g.condition, action: g.action }
        : { condition: g.condition, action: g.action }
    ),
  }
}

type FieldErrors = Record<string, string>

function toFieldErrors(issues: Array<{ field: string; message: string }>): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) {
    // Server details may name the body explicitly; the form's fields are the body's fields.
    const field = issue.field.replace(/^body\./, '')
    errors[field] ??= issue.message
  }
  return errors
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  compositionMode: 'Composition mode',
  maxEngineIterations: 'Max engine iterations',
  guidelines: 'Guidelines',
}

export interface ConfigPanelProps {
  open: boolean
  onOpenChange: (open: boolean) => void
  /** The agent to edit; null or undefined creates a new one. */
  agentId?: string | null
  /** Called with the saved agent before the panel closes. */
  onSaved?: (agent: AgentView) => void
}

/**
 * Create or edit a Parlant agent in a dialog. Validation uses the API's zod schemas, server field
 * errors land on the same fields, and a failed save leaves the dialog open with everything typed.
 */
export function ConfigPanel({ open, onOpenChange, agentId, onSaved }: ConfigPanelProps) {
  return (
    <Modal open={open} onOpenChange={onOpenChange}>
      {/* Mounted per opening, so every opening starts from the agent as saved. */}
      {open ? (
        <ConfigForm agentId={agentId ?? null} onOpenChange={onOpenChange} onSaved={onSaved} />
      ) : null}
    </Modal>
  )
}

/** A native select drawn like Sim's inputs (same border, surface, text and focus treatment). */
const SELECT_CLASS =
  'flex h-[30px] w-full rounded-sm border border-[var(--border-1)] bg-[var(--surface-5)] px-2 font-sans text-[var(--text-primary)] text-sm outline-none transition-colors disabled:cursor-not-allowed disabled:opacity-50'

const FIELD_CLASS = 'flex min-w-0 flex-col gap-1.5'
const LABEL_CLASS = 'text-[var(--text-secondary)] text-xs'
const INVALID_CLASS = 'aria-[invalid=true]:border-[var(--text-error)]'

function ConfigForm({
  agentId,
  onOpenChange,
  onSaved,
}: {
  agentId: string | null
  onOpenChange: (open: boolean) => void
  onSaved?: (agent: AgentView) => void
}) {
  const agent = useParlantStore((state) => (agentId ? state.agents[agentId] : undefined))
  const createAgent = useParlantStore((state) => state.createAgent)
  const updateAgent = useParlantStore((state) => state.updateAgent)
  const [draft, setDraft] = useState<Draft>(() => draftFrom(agent))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  // Whatever opened the panel gets focus back when it closes (the panel may be opened without a
  // Radix trigger, e.g. from a select or a list row).
  const [opener] = useState(() =>
    typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null)
  )
  const nameRef = useRef<HTMLInputElement>(null)
  const uid = useId()
  const fieldId = (field: string) => `${uid}-${field.replace(/\./g, '-')}`
  const editing = agentId !== null

  /** Editing a field retires its message; the next save validates again. */
  const clearError = (field: string) =>
    setErrors((current) => {
      if (!(field in current)) return current
      const { [field]: _cleared, ...rest } = current
      return rest
    })
  const patch = (next: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...next }))
    for (const field of Object.keys(next)) clearError(field)
  }
  const patchGuideline = (key: string, index: number, next: Partial<GuidelineDraft>) => {
    setDraft((current) => ({
      ...current,
      guidelines: current.guidelines.map((g) => (g.key === key ? { ...g, ...next } : g)),
    }))
    for (const field of Object.keys(next)) clearError(`guidelines.${index}.${field}`)
  }

  const focusFirstInvalid = (fieldErrors: FieldErrors) => {
    // After React renders the messages, move focus to the first field that has one.
    requestAnimationFrame(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
      invalid?.focus()
    })
    return fieldErrors
  }

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    if (saving) return
    const input = inputFrom(draft, editing)
    const schema = editing ? updateAgentInputSchema : createAgentInputSchema
    const parsed = schema.safeParse(input)
    if (!parsed.success) {
      setErrors(focusFirstInvalid(toFieldErrors(describeIssues(parsed.error))))
      setFormError('Please fix the highlighted fields.')
      return
    }
    setErrors({})
    setFormError(null)
    setSaving(true)
    try {
      const saved =
        editing && agentId ? await updateAgent(agentId, input) : await createAgent(input)
      setSaving(false)
      onSaved?.(saved)
      onOpenChange(false)
    } catch (error) {
      setSaving(false)
      if (isParlantApiError(error) && error.details.length > 0)
        setErrors(focusFirstInvalid(toFieldErrors(error.details)))
      setFormError(
        isParlantApiError(error)
          ? error.message
          : `Could not save: ${getErrorMessage(error, 'unknown error')}`
      )
    }
  }

  const described = (field: string, hint?: string) => {
    const ids = [hint, errors[field] ? `${fieldId(field)}-error` : undefined].filter(Boolean)
    return ids.length > 0 ? ids.join(' ') : undefined
  }

  const fieldError = (field: string) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} className='text-[var(--text-error)] text-xs'>
        {errors[field]}
      </p>
    ) : null

  const unmatched = Object.entries(errors).filter(
    ([field]) => !(field in FIELD_LABELS) && !/^guidelines\.\d+\.(condition|action)$/.test(field)
  )

  return (
    <ModalContent
      size='lg'
      aria-describedby={`${uid}-intro`}
      onOpenAutoFocus={(event) => {
        event.preventDefault()
        nameRef.current?.focus()
      }}
      onCloseAutoFocus={(event) => {
        if (opener?.isConnected && opener !== document.body) {
          event.preventDefault()
          opener.focus()
        }
      }}
    >
      <form ref={formRef} className='flex min-h-0 flex-1 flex-col' onSubmit={onSubmit} noValidate>
        <ModalHeader>
          {editing ? `Configure ${agent?.name ?? 'agent'}` : 'New Parlant agent'}
        </ModalHeader>
        <ModalBody className='flex flex-col gap-4'>
          <ModalDescription id={`${uid}-intro`} className='text-[var(--text-muted)] text-small'>
            Guidelines tell the agent what to do: when the condition holds, it takes the action.
          </ModalDescription>

          <div className={FIELD_CLASS}>
            <Label htmlFor={fieldId('name')} className={LABEL_CLASS}>
              Name
            </Label>
            <Input
              ref={nameRef}
              id={fieldId('name')}
              className={INVALID_CLASS}
              value={draft.name}
              onChange={(e) => patch({ name: e.target.value })}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={described('name')}
              autoComplete='off'
            />
            {fieldError('name')}
          </div>

          <div className={FIELD_CLASS}>
            <Label htmlFor={fieldId('description')} className={LABEL_CLASS}>
              Description
            </Label>
            <Textarea
              id={fieldId('description')}
              className={INVALID_CLASS}
              rows={2}
              value={draft.description}
              onChange={(e) => patch({ description: e.target.value })}
              aria-invalid={errors.description ? true : undefined}
              aria-describedby={described('description')}
            />
            {fieldError('description')}
          </div>

          <div className='grid grid-cols-2 gap-3'>
            <div className={FIELD_CLASS}>
              <Label htmlFor={fieldId('compositionMode')} className={LABEL_CLASS}>
                Composition mode
              </Label>
              <select
                id={fieldId('compositionMode')}
                className={`${SELECT_CLASS} ${INVALID_CLASS}`}
                value={draft.compositionMode}
                onChange={(e) => patch({ compositionMode: e.target.value as CompositionMode })}
                aria-invalid={errors.compositionMode ? true : undefined}
                aria-describedby={described('compositionMode')}
              >
                {COMPOSITION_MODES.map((mode) => (
                  <option key={mode.value} value={mode.value}>
                    {mode.label}
                  </option>
                ))}
              </select>
              {fieldError('compositionMode')}
            </div>
            <div className={FIELD_CLASS}>
              <Label htmlFor={fieldId('maxEngineIterations')} className={LABEL_CLASS}>
                Max engine iterations
              </Label>
              <Input
                id={fieldId('maxEngineIterations')}
                className={INVALID_CLASS}
                inputMode='numeric'
                value={draft.maxEngineIterations}
                onChange={(e) => patch({ maxEngineIterations: e.target.value })}
                aria-invalid={errors.maxEngineIterations ? true : undefined}
                aria-describedby={described('maxEngineIterations', `${fieldId('iterations')}-hint`)}
              />
              <p id={`${fieldId('iterations')}-hint`} className='text-[var(--text-muted)] text-xs'>
                1 to 10
              </p>
              {fieldError('maxEngineIterations')}
            </div>
          </div>

          <fieldset className='flex flex-col gap-2 rounded-lg border border-[var(--border-1)] p-3'>
            <legend className='px-1 text-[var(--text-secondary)] text-xs'>Guidelines</legend>
            {fieldError('guidelines')}
            {draft.guidelines.length === 0 ? (
              <p className='text-[var(--text-muted)] text-small'>No guidelines yet.</p>
            ) : null}
            <ol className='flex flex-col gap-3'>
              {draft.guidelines.map((g, index) => {
                const condition = `guidelines.${index}.condition`
                const action = `guidelines.${index}.action`
                return (
                  <li key={g.key} className='flex items-start gap-2'>
                    <div className='flex min-w-0 flex-1 flex-col gap-2'>
                      <div className={FIELD_CLASS}>
                        <Label htmlFor={fieldId(condition)} className={LABEL_CLASS}>
                          {`Condition ${index + 1}`}
                        </Label>
                        <Input
                          id={fieldId(condition)}
                          className={INVALID_CLASS}
                          placeholder='the customer asks about "refunds"'
                          value={g.condition}
                          onChange={(e) =>
                            patchGuideline(g.key, index, { condition: e.target.value })
                          }
                          aria-invalid={errors[condition] ? true : undefined}
                          aria-describedby={described(condition)}
                        />
                        {fieldError(condition)}
                      </div>
                      <div className={FIELD_CLASS}>
                        <Label htmlFor={fieldId(action)} className={LABEL_CLASS}>
                          {`Action ${index + 1}`}
                        </Label>
                        <Textarea
                          id={fieldId(action)}
                          className={INVALID_CLASS}
                          rows={2}
                          placeholder='Explain that refunds take 5 business days.'
                          value={g.action}
                          onChange={(e) => patchGuideline(g.key, index, { action: e.target.value })}
                          aria-invalid={errors[action] ? true : undefined}
                          aria-describedby={described(action)}
                        />
                        {fieldError(action)}
                      </div>
                    </div>
                    <Button
                      type='button'
                      variant='quiet'
                      size='icon'
                      className='mt-5'
                      aria-label={`Remove guideline ${index + 1}`}
                      onClick={() => {
                        setDraft((current) => ({
                          ...current,
                          guidelines: current.guidelines.filter((other) => other.key !== g.key),
                        }))
                        // Indexes shift: messages tied to old positions would point at the wrong pair.
                        setErrors({})
                      }}
                    >
                      <Trash className='size-[14px]' />
                    </Button>
                  </li>
                )
              })}
            </ol>
            <Button
              type='button'
              variant='ghost'
              className='gap-1 self-start'
              onClick={() => {
                const key = nextKey()
                setDraft((current) => ({
                  ...current,
                  guidelines: [...current.guidelines, { key, condition: '', action: '' }],
                }))
                requestAnimationFrame(() =>
                  formRef.current
                    ?.querySelector<HTMLInputElement>(
                      `[id="${fieldId(`guidelines.${draft.guidelines.length}.condition`)}"]`
                    )
                    ?.focus()
                )
              }}
            >
              <Plus className='size-[14px]' />
              <span>Add guideline</span>
            </Button>
          </fieldset>

          <div className='flex flex-col gap-1 empty:hidden' role='alert' aria-live='assertive'>
            {formError ? <p className='text-[var(--text-error)] text-small'>{formError}</p> : null}
            {unmatched.map(([field, message]) => (
              <p
                key={field}
                className='text-[var(--text-error)] text-small'
              >{`${field}: ${message}`}</p>
            ))}
          </div>
        </ModalBody>

        <ModalFooter>
          <ModalClose asChild>
            <Button type='button' variant='default'>
              Cancel
            </Button>
          </ModalClose>
          <Button type='submit' variant='primary' disabled={saving} aria-busy={saving}>
            {saving ? 'Saving…' : editing ? 'Save changes' : 'Create agent'}
          </Button>
        </ModalFooter>
      </form>
    </ModalContent>
  )
}
