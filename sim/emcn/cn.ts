import { extendTailwindMerge } from 'tailwind-merge'

/** A class value as `cn` accepts it: strings, falsy skips, nested arrays and `{ class: on }` maps. */
export type ClassValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | ClassValue[]
  | { [className: string]: unknown }

// Sim's theme adds these font sizes; tailwind-merge must know them or `text-small` would be
// mistaken for a colour and survive next to `text-sm`.
const merge = extendTailwindMerge({
  extend: { classGroups: { 'font-size': [{ text: ['micro', 'caption', 'small', 'md'] }] } },
})

function flatten(value: ClassValue, out: string[]) {
  if (!value) return
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    out.push(String(value))
  } else if (Array.isArray(value)) {
    for (const item of value) flatten(item, out)
  } else if (typeof value === 'object') {
    for (const [name, on] of Object.entries(value)) if (on) out.push(name)
  }
}

/** Joins class names and lets later Tailwind classes win over conflicting earlier ones. */
export function cn(...inputs: ClassValue[]): string {
  const out: string[] = []
  flatten(inputs, out)
  return merge(out.join(' '))
}
