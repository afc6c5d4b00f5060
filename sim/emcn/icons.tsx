/**
 * The `@sim/emcn/icons` glyphs the plugin uses, drawn as small inline SVGs (24-unit box, stroked
 * with `currentColor`, hidden from assistive technology unless a caller says otherwise). Inside
 * Sim the real icon set is used; names and props match it.
 */
import type { ReactNode, SVGProps } from 'react'
import { cn } from './cn'

type IconProps = SVGProps<SVGSVGElement>

/** The frame every glyph shares; `paths` are drawn inside, caller props win. */
function Glyph({ paths, ...props }: IconProps & { paths: ReactNode }) {
  return (
    <svg
      xmlns='http://www.w3.org/2000/svg'
      width='24'
      height='24'
      viewBox='0 0 24 24'
      fill='none'
      stroke='currentColor'
      strokeWidth='1.55'
      strokeLinecap='round'
      strokeLinejoin='round'
      aria-hidden='true'
      {...props}
    >
      {paths}
    </svg>
  )
}

/** A plus sign. */
export function Plus(props: IconProps) {
  return <Glyph {...props} paths={<path d='M12 5v14M5 12h14' />} />
}

/** A pencil (edit). */
export function Pencil(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <path d='M16.5 3.5a2.1 2.1 0 0 1 3 3L8 18l-4 1 1-4Z' />
          <path d='m14.5 5.5 3 3' />
        </>
      }
    />
  )
}

/** A filled play triangle. */
export function Play(props: IconProps) {
  return <Glyph {...props} paths={<path d='M7 4.5v15l12-7.5Z' fill='currentColor' />} />
}

/** A stop square. */
export function Square(props: IconProps) {
  return <Glyph {...props} paths={<rect x='5' y='5' width='14' height='14' rx='2' />} />
}

/** A paper plane (send). */
export function Send(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <path d='M21 3 10.5 13.5' />
          <path d='M21 3 14.5 21l-4-7.5L3 9.5Z' />
        </>
      }
    />
  )
}

/** A circle with an exclamation mark (error). */
export function CircleAlert(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <circle cx='12' cy='12' r='9.25' />
          <path d='M12 7.5v5M12 16.25v.01' />
        </>
      }
    />
  )
}

/** A circle with a check mark (success). */
export function CircleCheck(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <circle cx='12' cy='12' r='9.25' />
          <path d='m8.5 12.25 2.5 2.5 4.5-5' />
        </>
      }
    />
  )
}

/** A circle with two bars (paused, waiting). */
export function CirclePause(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <circle cx='12' cy='12' r='9.25' />
          <path d='M10 9v6M14 9v6' />
        </>
      }
    />
  )
}

/** A circle with an "i" (information). */
export function CircleInfo(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <circle cx='12' cy='12' r='9.25' />
          <path d='M12 11v5.5M12 7.75v.01' />
        </>
      }
    />
  )
}

/** A gear (settings). */
export function Settings(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <circle cx='12' cy='12' r='3' />
          <path d='M12 2.75v2.5M12 18.75v2.5M2.75 12h2.5M18.75 12h2.5M5.46 5.46l1.77 1.77M16.77 16.77l1.77 1.77M5.46 18.54l1.77-1.77M16.77 7.23l1.77-1.77' />
        </>
      }
    />
  )
}

/** A bin (delete). */
export function Trash(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <path d='M4 6.5h16M9.5 6.5V4.5h5v2' />
          <path d='M6 6.5 7 20h10l1-13.5' />
        </>
      }
    />
  )
}

/** A cross (close). */
export function X(props: IconProps) {
  return <Glyph {...props} paths={<path d='M6 6l12 12M18 6 6 18' />} />
}

/** A chevron pointing right. */
export function ChevronRight(props: IconProps) {
  return <Glyph {...props} paths={<path d='m9.5 6 6 6-6 6' />} />
}

/** A speech bubble with lines of text. */
export function MessageSquareText(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <path d='M20 15a2 2 0 0 1-2 2H8l-4 3.5V6a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2Z' />
          <path d='M8 9h8M8 12.5h5' />
        </>
      }
    />
  )
}

/** Sparkles (an AI agent). */
export function Sparkles(props: IconProps) {
  return (
    <Glyph
      {...props}
      paths={
        <>
          <path d='M10 3.5 11.6 8.4 16.5 10l-4.9 1.6L10 16.5 8.4 11.6 3.5 10l4.9-1.6Z' />
          <path d='M18 14.5 18.8 16.7 21 17.5l-2.2.8L18 20.5l-.8-2.2-2.2-.8 2.2-.8Z' />
        </>
      }
    />
  )
}

/** Props of {@link Loader}: an SVG plus whether it spins. */
interface LoaderProps extends SVGProps<SVGSVGElement> {
  /** Spin continuously (a pending operation). */
  animate?: boolean
}

const LOADER_ARCS = (
  <>
    <path d='M3 12a9 9 0 0 1 15.5-6.2' />
    <path d='M21 12a9 9 0 0 1-15.5 6.2' />
  </>
)

/** Two arcs of a circle; `animate` spins them. */
export function Loader({ animate = false, className, ...props }: LoaderProps) {
  return (
    <Glyph {...props} className={cn(animate && 'animate-spin', className)} paths={LOADER_ARCS} />
  )
}
