/** A handler for a command whose engine is not built yet; answers with a plain NOT_SUPPORTED. */
import { AppError } from '../../../shared/errors';

/** Returns a handler that refuses with NOT_SUPPORTED naming the command. */
export const notYet = (what: string) => (): never => {
  throw new AppError('NOT_SUPPORTED', { what });
};
