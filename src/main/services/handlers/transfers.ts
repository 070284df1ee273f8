/** Handlers for transfer commands. STUB until the transfers work lands. */
import type { CoreDeps } from '../context';
import type { Handlers } from '../dispatch';
import type { TransferService } from '../transfers/transfer-service';
import { notYet } from './not-yet';

type TransferCommand =
  | 'transfers:enqueue'
  | 'transfers:list'
  | 'transfers:pause'
  | 'transfers:resume'
  | 'transfers:cancel'
  | 'transfers:retry'
  | 'transfers:clearFinished';

/** Transfer handlers. */
export function createTransferHandlers(_deps: CoreDeps, _transfers: TransferService): Pick<Handlers, TransferCommand> {
  return {
    'transfers:enqueue': notYet('transfers:enqueue'),
    'transfers:list': notYet('transfers:list'),
    'transfers:pause': notYet('transfers:pause'),
    'transfers:resume': notYet('transfers:resume'),
    'transfers:cancel': notYet('transfers:cancel'),
    'transfers:retry': notYet('transfers:retry'),
    'transfers:clearFinished': notYet('transfers:clearFinished'),
  };
}
