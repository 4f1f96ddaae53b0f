// A presence indicator: shape and colour differ per state (never colour alone), with a text label for
// assistive technology and a tooltip.
import type { OwnShow } from '../../../shared/contract.ts';
import { useShowLabel } from './show-labels.ts';

export function PresenceDot({ show, label }: { show: OwnShow; label?: string }) {
  const showLabel = useShowLabel();
  const text = label ?? showLabel(show);
  return <span className={`presence-dot presence-${show}`} role="img" aria-label={text} title={text} />;
}
