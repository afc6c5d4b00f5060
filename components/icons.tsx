import type { SVGProps } from 'react'

/**
 * Parlant mark: a speech bubble holding a guideline check, drawn in `currentColor` so the tile
 * decides its colour.
 */
export function ParlantIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <svg
      {...props}
      viewBox='0 0 24 24'
      fill='none'
      stroke='currentColor'
      strokeWidth='2'
      strokeLinecap='round'
      strokeLinejoin='round'
      xmlns='http://www.w3.org/2000/svg'
    >
      <title>Parlant</title>
      <path d='M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-6l-5.5 3.5V18H5a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z' />
      <path d='M8 10.5l2.5 2.5L16 7.5' />
    </svg>
  )
}
