/** The one label of each composition mode, used by every Parlant surface. */
import type { CompositionMode } from '@/lib/parlant/schemas'

/** Composition modes in the order the panel offers them, with their labels. */
export const COMPOSITION_MODES: ReadonlyArray<{ value: CompositionMode; label: string }> = [
  { value: 'fluid', label: 'Fluid' },
  { value: 'canned_fluid', label: 'Canned, fluid' },
  { value: 'composited_canned', label: 'Composited canned' },
  { value: 'strict_canned', label: 'Strict canned' },
]

/** The label of a composition mode (the raw value for one this UI does not know). */
export function compositionModeLabel(mode: string) {
  return COMPOSITION_MODES.find((entry) => entry.value === mode)?.label ?? mode
}
