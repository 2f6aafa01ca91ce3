import * as path from 'node:path';
import { itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import type * as rows from './card-view.lifecycle-rows';

/**
 * The lifecycle table of card-view.lifecycle.spec.ts (checked there against hand-written answers) gives exactly
 * the same card JSON in processes running in Los Angeles, UTC, Shanghai and UTC+14: lifecycle arithmetic
 * happens in the platform's zone, never the server's.
 */
describe('card JSON lifecycle in other server zones', () => {
  itAnswersTheSameInEveryZone<typeof rows>(path.join(__dirname, 'card-view.lifecycle-rows.ts'), (m) => m.lifecycleOfRows());
});
