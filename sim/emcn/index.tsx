'use client'

import {
  type ButtonHTMLAttributes,
  type ComponentProps,
  type ComponentPropsWithoutRef,
  type ComponentType,
  createContext,
  type ElementRef,
  forwardRef,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type LabelHTMLAttributes,
  type TextareaHTMLAttributes,
  useContext,
} from 'react'
/**
 * Our shim of `@sim/emcn`, Sim's design system, for use outside a Sim checkout: only the
 * components and props the plugin uses, with the names, prop shapes and Tailwind classes of Sim's
 * own declarations, so the same markup renders the same way on the standalone host (whose page
 * compiles these classes and defines Sim-like CSS variables). Inside Sim, `@sim/emcn` is the real
 * package and this folder is not copied. The dialog is Radix's, as in Sim.
 */
import * as DialogPrimitive from '@radix-ui/react-dialog'
import { cn } from './cn'
import { X } from './icons'

export { cn }

// ---------------------------------------------------------------------------------------------
// Button

const BUTTON_BASE =
  'inline-flex items-center justify-center transition-colors disabled:pointer-events-none disabled:opacity-70 outline-none focus:outline-none focus-visible:outline-none rounded-[5px]'

const BUTTON_VARIANTS = {
  default:
    'text-[var(--text-secondary)] hover-hover:text-[var(--text-primary)] bg-[var(--surface-4)] hover-hover:bg-[var(--surface-6)] border border-[var(--border)] hover-hover:border-[var(--border-1)] dark:hover-hover:bg-[var(--surface-5)]',
  active:
    'bg-[var(--surface-5)] hover-hover:bg-[var(--surface-6)] text-[var(--text-primary)] hover-hover:text-[var(--text-primary)] border border-[var(--border-1)] hover-hover:border-[var(--border-1)] dark:hover-hover:bg-[var(--border-1)]',
  outline:
    'text-[var(--text-secondary)] hover-hover:text-[var(--text-primary)] border border-[var(--text-muted)] bg-transparent hover-hover:border-[var(--text-secondary)]',
  primary:
    'bg-[var(--text-primary)] text-[var(--text-inverse)] hover-hover:text-[var(--text-inverse)] hover-hover:bg-[var(--text-body)] dark:bg-white dark:text-[var(--bg)] dark:hover-hover:bg-[var(--text-secondary)] dark:hover-hover:text-[var(--bg)]',
  destructive:
    'bg-[var(--text-error)] text-white hover-hover:text-white hover-hover:brightness-106',
  ghost: 'text-[var(--text-secondary)] hover-hover:text-[var(--text-primary)]',
  subtle:
    'text-[var(--text-body)] hover-hover:text-[var(--text-body)] hover-hover:bg-[var(--surface-4)]',
  quiet: 'text-[var(--text-secondary)] hover-hover:bg-[var(--surface-active)]',
} as const

const BUTTON_SIZES = {
  sm: 'px-1.5 py-1 text-[length:11px]',
  md: 'px-2 py-1.5 text-[length:12px]',
  icon: 'size-[20px] rounded-sm p-0 [&_svg]:[stroke-width:1.25]',
} as const

/** Props of {@link Button}: a native button plus Sim's `variant` and `size`. */
interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof BUTTON_VARIANTS | null
  size?: keyof typeof BUTTON_SIZES | null
}

/** Sim's button: `variant` (default `default`) and `size` (default `md`). */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { className, variant, size, ...props },
  ref
) {
  const v = variant ?? 'default'
  const s = size ?? 'md'
  // A lone icon is icon content: the neutral icon buttons paint it with the muted icon colour.
  const iconTone =
    s === 'icon' && (v === 'quiet' || v === 'ghost') && 'text-[var(--text-icon-muted)]'
  return (
    <button
      ref={ref}
      className={cn(BUTTON_BASE, BUTTON_VARIANTS[v], BUTTON_SIZES[s], iconTone, className)}
      {...props}
    />
  )
})

// ---------------------------------------------------------------------------------------------
// Badge

const STATUS_BASE = 'gap-1.5 rounded-md'

const BADGE_VARIANTS = {
  default:
    'gap-1 rounded-[40px] border border-[var(--border)] text-[var(--text-secondary)] bg-[var(--surface-4)] hover-hover:text-[var(--text-primary)] hover-hover:border-[var(--border-1)] hover-hover:bg-[var(--surface-6)] dark:hover-hover:bg-[var(--surface-5)]',
  outline:
    'gap-1 rounded-[40px] border border-[var(--border-1)] bg-transparent text-[var(--text-secondary)] hover-hover:text-[var(--text-primary)] hover-hover:bg-[var(--surface-5)] dark:hover-hover:bg-transparent dark:hover-hover:border-[var(--surface-6)]',
  green: `${STATUS_BASE} bg-[var(--badge-success-bg)] text-[var(--badge-success-text)]`,
  red: `${STATUS_BASE} bg-[var(--badge-error-bg)] text-[var(--badge-error-text)]`,
  gray: `${STATUS_BASE} bg-[var(--badge-gray-bg)] text-[var(--badge-gray-text)]`,
  blue: `${STATUS_BASE} bg-[var(--badge-blue-bg)] text-[var(--badge-blue-text)]`,
  amber: `${STATUS_BASE} bg-[var(--badge-amber-bg)] text-[var(--badge-amber-text)]`,
} as const

const BADGE_SIZES = {
  sm: 'px-[7px] py-[1px] text-xs',
  md: 'px-[9px] py-0.5 text-caption',
  lg: 'px-[9px] py-[2.25px] text-caption',
} as const

const BADGE_DOTS = { sm: 'size-[5px]', md: 'size-1.5', lg: 'size-1.5' } as const
const BADGE_ICONS = { sm: 'size-2.5', md: 'size-3', lg: 'size-3' } as const

/** Props of {@link Badge}. */
export interface BadgeProps extends HTMLAttributes<HTMLDivElement> {
  variant?: keyof typeof BADGE_VARIANTS | null
  size?: keyof typeof BADGE_SIZES | null
  /** A dot before the content (status colour variants only). */
  dot?: boolean
  /** An icon before the content. */
  icon?: ComponentType<{ className?: string }>
}

/** Sim's badge: bordered (`default`, `outline`) or a status colour (`green`, `red`, …). */
export const Badge = forwardRef<HTMLDivElement, BadgeProps>(function Badge(
  { className, variant, size, dot = false, icon: Icon, children, ...props },
  ref
) {
  const v = variant ?? 'default'
  const s = size ?? 'md'
  const status = v !== 'default' && v !== 'outline'
  return (
    <div
      ref={ref}
      className={cn(
        'inline-flex items-center focus:outline-none transition-colors',
        BADGE_VARIANTS[v],
        BADGE_SIZES[s],
        className
      )}
      {...props}
    >
      {status && dot ? <div className={cn('rounded-xs bg-current', BADGE_DOTS[s])} /> : null}
      {Icon ? <Icon className={BADGE_ICONS[s]} /> : null}
      {children}
    </div>
  )
})

// ---------------------------------------------------------------------------------------------
// Input, Textarea, Label

const INPUT_CLASS =
  'flex w-full touch-manipulation rounded-sm border border-[var(--border-1)] bg-[var(--surface-5)] px-2 py-1.5 font-sans text-sm text-[var(--text-primary)] [letter-spacing:inherit] transition-colors placeholder:text-[var(--text-muted)] outline-none disabled:cursor-not-allowed disabled:opacity-50 scroll-pr-1'

/** Props of {@link Input}: a native input's. */
export type InputProps = InputHTMLAttributes<HTMLInputElement>

/** Sim's text input. */
export const Input = forwardRef<HTMLInputElement, InputProps>(function Input(
  { className, type = 'text', ...props },
  ref
) {
  return <input ref={ref} type={type} className={cn(INPUT_CLASS, className)} {...props} />
})

const TEXTAREA_CLASS =
  'flex w-full touch-manipulation rounded-sm border border-[var(--border-1)] bg-[var(--surface-5)] px-2 py-2 font-sans text-sm text-[var(--text-primary)] [letter-spacing:inherit] transition-colors placeholder:text-[var(--text-muted)] outline-none resize-none overflow-auto disabled:cursor-not-allowed disabled:opacity-50'

/** Props of {@link Textarea}. */
interface TextareaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  variant?: 'default' | null
}

/** Sim's multi-line input. */
export const Textarea = forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(
  { className, variant: _variant, ...props },
  ref
) {
  return <textarea ref={ref} className={cn(TEXTAREA_CLASS, className)} {...props} />
})

/** Props of {@link Label}: a native label's (Sim's is Radix's label primitive, a `<label>`). */
type LabelProps = LabelHTMLAttributes<HTMLLabelElement>

/** Sim's form label. */
export function Label({ className, ...props }: LabelProps) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: callers pass htmlFor
    <label
      className={cn(
        'inline-flex items-center text-[var(--text-primary)] text-small leading-none peer-disabled:cursor-not-allowed peer-disabled:opacity-50',
        className
      )}
      {...props}
    />
  )
}

// ---------------------------------------------------------------------------------------------
// Modal

const ANIMATION_CLASSES =
  'data-[state=closed]:fade-out-0 data-[state=open]:fade-in-0 data-[state=closed]:animate-out data-[state=open]:animate-in motion-reduce:animate-none'

const TEXT_INPUT_SELECTOR = [
  'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="submit"]):not([type="reset"]):not([disabled]):not([readonly]):not([tabindex="-1"])',
  'textarea:not([disabled]):not([readonly]):not([tabindex="-1"])',
  '[contenteditable="true"]:not([tabindex="-1"])',
].join(',')

/** Focuses the first visible text field inside a dialog (the default open focus of a Modal). */
function focusFirstTextInput(event: Event) {
  const root = event.currentTarget as HTMLElement | null
  const target = Array.from(root?.querySelectorAll<HTMLElement>(TEXT_INPUT_SELECTOR) ?? []).find(
    (el) => el.offsetParent !== null || el.getClientRects().length > 0
  )
  if (!target) return
  target.focus()
  event.preventDefault()
}

const ModalDismissDisabledContext = createContext(false)

/** Whether the enclosing modal refuses dismissal (its close controls disable themselves). */
export function useModalDismissDisabled(): boolean {
  return useContext(ModalDismissDisabledContext)
}

/** Root of a modal: holds the open state (`open`, `onOpenChange`, `defaultOpen`). */
export const Modal = DialogPrimitive.Root
/** A control that opens the modal. */
export const ModalTrigger = DialogPrimitive.Trigger
/** Renders the modal into `document.body`. */
export const ModalPortal = DialogPrimitive.Portal
/** A control that closes the modal. */
export const ModalClose = DialogPrimitive.Close

/** The dimmed, blurred backdrop behind an open modal. */
export const ModalOverlay = forwardRef<
  ElementRef<typeof DialogPrimitive.Overlay>,
  ComponentPropsWithoutRef<typeof DialogPrimitive.Overlay>
>(function ModalOverlay({ className, ...props }, ref) {
  return (
    <DialogPrimitive.Overlay
      ref={ref}
      className={cn(
        'fixed inset-0 z-[var(--z-modal)] bg-black/10 backdrop-blur-[2px]',
        ANIMATION_CLASSES,
        className
      )}
      {...props}
    />
  )
})

/** Width of a modal by size. */
export const MODAL_SIZES = {
  sm: 'w-[90vw] max-w-[440px]',
  md: 'w-[90vw] max-w-[500px]',
  lg: 'w-[90vw] max-w-[600px]',
  xl: 'w-[90vw] max-w-[800px]',
  full: 'w-[95vw] max-w-[1200px]',
} as const

/** Props of {@link ModalContent}. */
export interface ModalContentProps
  extends ComponentPropsWithoutRef<typeof DialogPrimitive.Content> {
  /** Width: `sm` 440, `md` 500 (default), `lg` 600, `xl` 800, `full` 1200 px at most. */
  size?: keyof typeof MODAL_SIZES
  /** Drops the default chrome (background, ring, corners) for a self-styled surface. */
  bare?: boolean
  /** A title for screen readers only, when no `ModalHeader` is rendered. */
  srTitle?: string
  /** Refuses Escape, outside clicks and the header's close button while true. */
  dismissDisabled?: boolean
}

/**
 * The modal's portal, overlay and centred dialog. Focus moves to the first text field when it
 * opens (unless `onOpenAutoFocus` says otherwise).
 */
export const ModalContent = forwardRef<
  ElementRef<typeof DialogPrimitive.Content>,
  ModalContentProps
>(function ModalContent(
  {
    className,
    children,
    size = 'md',
    bare = false,
    srTitle,
    dismissDisabled = false,
    onOpenAutoFocus,
    onEscapeKeyDown,
    onInteractOutside,
    ...props
  },
  ref
) {
  return (
    <ModalPortal>
      <ModalOverlay />
      <div
        className='pointer-events-none fixed inset-0 z-[var(--z-modal)] flex items-center justify-center'
        style={size === 'full' ? undefined : { paddingLeft: 'var(--sidebar-width)' }}
      >
        <DialogPrimitive.Content
          ref={ref}
          className={cn(
            'pointer-events-auto flex max-h-[84vh] flex-col text-small',
            !bare &&
              'overflow-hidden rounded-xl bg-[var(--bg)] ring-[length:var(--border-width)] ring-foreground/10',
            ANIMATION_CLASSES,
            'data-[state=open]:zoom-in-95 data-[state=closed]:zoom-out-95 duration-200',
            MODAL_SIZES[size],
            className
          )}
          onOpenAutoFocus={onOpenAutoFocus ?? focusFirstTextInput}
          onEscapeKeyDown={(event) => {
            if (dismissDisabled) event.preventDefault()
            event.stopPropagation()
            onEscapeKeyDown?.(event)
          }}
          onInteractOutside={(event) => {
            if (dismissDisabled) event.preventDefault()
            onInteractOutside?.(event)
          }}
          {...props}
        >
          {srTitle ? (
            <DialogPrimitive.Title className='sr-only'>{srTitle}</DialogPrimitive.Title>
          ) : null}
          <ModalDismissDisabledContext.Provider value={dismissDisabled}>
            {children}
          </ModalDismissDisabledContext.Provider>
        </DialogPrimitive.Content>
      </div>
    </ModalPortal>
  )
})

/** The modal's title row with a close button. */
export const ModalHeader = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(
  function ModalHeader({ className, children, ...props }, ref) {
    const dismissDisabled = useModalDismissDisabled()
    return (
      <div
        ref={ref}
        className={cn('flex min-w-0 items-center justify-between gap-2 px-4 pt-4 pb-2', className)}
        {...props}
      >
        <DialogPrimitive.Title className='min-w-0 text-[var(--text-primary)] text-base leading-none'>
          {children}
        </DialogPrimitive.Title>
        <DialogPrimitive.Close asChild>
          <Button
            variant='ghost'
            disabled={dismissDisabled}
            className='relative size-[16px] flex-shrink-0 p-0 before:absolute before:inset-[-14px] before:content-[""]'
          >
            <X className='size-[16px]' />
            <span className='sr-only'>Close</span>
          </Button>
        </DialogPrimitive.Close>
      </div>
    )
  }
)

/** A bare dialog title (names the dialog). */
export const ModalTitle = forwardRef<
  ElementRef<typeof DialogPrimitive.Title>,
  ComponentProps<typeof DialogPrimitive.Title>
>(function ModalTitle(props, ref) {
  return <DialogPrimitive.Title ref={ref} {...props} />
})

/** A dialog description (describes the dialog). */
export const ModalDescription = forwardRef<
  ElementRef<typeof DialogPrimitive.Description>,
  ComponentProps<typeof DialogPrimitive.Description>
>(function ModalDescription(props, ref) {
  return <DialogPrimitive.Description ref={ref} {...props} />
})

/** The scrolling body of a modal. */
export const ModalBody = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(
  function ModalBody({ className, ...props }, ref) {
    return (
      <div
        ref={ref}
        className={cn('flex-1 overflow-y-auto px-4 pt-3 pb-4', className)}
        {...props}
      />
    )
  }
)

/** The modal's action row. */
export const ModalFooter = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(
  function ModalFooter({ className, ...props }, ref) {
    return (
      <div
        ref={ref}
        className={cn(
          'flex justify-end gap-2 rounded-b-xl border-[var(--border)] border-t bg-[color-mix(in_srgb,var(--surface-3)_50%,transparent)] px-4 py-3',
          className
        )}
        {...props}
      />
    )
  }
)
