'use client'

import * as Dialog from '@radix-ui/react-dialog'
import { Plus, Trash2, X } from 'lucide-react'
import { type FormEvent, useId, useRef, useState } from 'react'
import {
  type AgentView,
  type CompositionMode,
  createAgentInputSchema,
  describeIssues,
  updateAgentInputSchema,
} from '@/lib/parlant/schemas'
import { isParlantApiError } from '@/stores/parlant/api'
import { useParlantStore } from '@/stores/parlant/store'

const COMPOSITION_MODES: Array<{ value: CompositionMode; label: string }> = [
  { value: 'fluid', label: 'Fluid (free-form replies)' },
  { value: 'canned_fluid', label: 'Canned, fluid' },
  { value: 'composited_canned', label: 'Composited canned' },
  { value: 'strict_canned', label: 'Strict canned' },
]

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
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className='parlant-dialog__overlay' />
        {open ? (
          <ConfigForm agentId={agentId ?? null} onOpenChange={onOpenChange} onSaved={onSaved} />
        ) : null}
      </Dialog.Portal>
    </Dialog.Root>
  )
}

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
          : `Could not save: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }

  const described = (field: string, hint?: string) => {
    const ids = [hint, errors[field] ? `${fieldId(field)}-error` : undefined].filter(Boolean)
    return ids.length > 0 ? ids.join(' ') : undefined
  }

  const fieldError = (field: string) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} className='parlant-field__error'>
        {errors[field]}
      </p>
    ) : null

  const unmatched = Object.entries(errors).filter(
    ([field]) => !(field in FIELD_LABELS) && !/^guidelines\.\d+\.(condition|action)$/.test(field)
  )

  return (
    <Dialog.Content
      className='parlant-dialog'
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
      <form ref={formRef} className='parlant-form' onSubmit={onSubmit} noValidate>
        <header className='parlant-dialog__header'>
          <Dialog.Title className='parlant-dialog__title'>
            {editing ? `Configure ${agent?.name ?? 'agent'}` : 'New Parlant agent'}
          </Dialog.Title>
          <Dialog.Close asChild>
            <button type='button' className='parlant-icon-button' aria-label='Close'>
              <X className='parlant-icon' aria-hidden />
            </button>
          </Dialog.Close>
        </header>
        <Dialog.Description id={`${uid}-intro`} className='parlant-muted'>
          Guidelines tell the agent what to do: when the condition holds, it takes the action.
        </Dialog.Description>

        <div className='parlant-dialog__body'>
          <div className='parlant-field'>
            <label htmlFor={fieldId('name')}>Name</label>
            <input
              ref={nameRef}
              id={fieldId('name')}
              className='parlant-input'
              value={draft.name}
              onChange={(e) => patch({ name: e.target.value })}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={described('name')}
              autoComplete='off'
            />
            {fieldError('name')}
          </div>

          <div className='parlant-field'>
            <label htmlFor={fieldId('description')}>Description</label>
            <textarea
              id={fieldId('description')}
              className='parlant-input parlant-input--area'
              rows={2}
              value={draft.description}
              onChange={(e) => patch({ description: e.target.value })}
              aria-invalid={errors.description ? true : undefined}
              aria-describedby={described('description')}
            />
            {fieldError('description')}
          </div>

          <div className='parlant-field-row'>
            <div className='parlant-field'>
              <label htmlFor={fieldId('compositionMode')}>Composition mode</label>
              <select
                id={fieldId('compositionMode')}
                className='parlant-input'
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
            <div className='parlant-field'>
              <label htmlFor={fieldId('maxEngineIterations')}>Max engine iterations</label>
              <input
                id={fieldId('maxEngineIterations')}
                className='parlant-input'
                inputMode='numeric'
                value={draft.maxEngineIterations}
                onChange={(e) => patch({ maxEngineIterations: e.target.value })}
                aria-invalid={errors.maxEngineIterations ? true : undefined}
                aria-describedby={described('maxEngineIterations', `${fieldId('iterations')}-hint`)}
              />
              <p id={`${fieldId('iterations')}-hint`} className='parlant-field__hint'>
                1 to 10
              </p>
              {fieldError('maxEngineIterations')}
            </div>
          </div>

          <fieldset className='parlant-guidelines'>
            <legend>Guidelines</legend>
            {fieldError('guidelines')}
            {draft.guidelines.length === 0 ? (
              <p className='parlant-muted'>No guidelines yet.</p>
            ) : null}
            <ol className='parlant-guidelines__list'>
              {draft.guidelines.map((g, index) => {
                const condition = `guidelines.${index}.condition`
                const action = `guidelines.${index}.action`
                return (
                  <li key={g.key} className='parlant-guideline'>
                    <div className='parlant-guideline__fields'>
                      <div className='parlant-field'>
                        <label htmlFor={fieldId(condition)}>{`Condition ${index + 1}`}</label>
                        <input
                          id={fieldId(condition)}
                          className='parlant-input'
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
                      <div className='parlant-field'>
                        <label htmlFor={fieldId(action)}>{`Action ${index + 1}`}</label>
                        <textarea
                          id={fieldId(action)}
                          className='parlant-input parlant-input--area'
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
                    <button
                      type='button'
                      className='parlant-icon-button'
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
                      <Trash2 className='parlant-icon' aria-hidden />
                    </button>
                  </li>
                )
              })}
            </ol>
            <button
              type='button'
              className='parlant-button parlant-button--ghost'
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
              <Plus className='parlant-icon' aria-hidden />
              <span>Add guideline</span>
            </button>
          </fieldset>
        </div>

        <div className='parlant-form__status' role='alert' aria-live='assertive'>
          {formError ? <p className='parlant-error'>{formError}</p> : null}
          {unmatched.map(([field, message]) => (
            <p key={field} className='parlant-error'>{`${field}: ${message}`}</p>
          ))}
        </div>

        <footer className='parlant-dialog__footer'>
          <Dialog.Close asChild>
            <button type='button' className='parlant-button parlant-button--secondary'>
              Cancel
            </button>
          </Dialog.Close>
          <button
            type='submit'
            className='parlant-button parlant-button--primary'
            disabled={saving}
            aria-busy={saving}
          >
            {saving ? 'Saving…' : editing ? 'Save changes' : 'Create agent'}
          </button>
        </footer>
      </form>
    </Dialog.Content>
  )
}
