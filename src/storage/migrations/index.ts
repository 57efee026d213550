import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.js';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_prices.js';
import * as m0009 from './0009_paper.js';
import * as m0010 from './0010_security.js';

export interface MtsMigration {
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/**
 * The one set of versioned migrations for both adapters, applied in this order. Add new ones at the end with the
 * next number; never edit one that has shipped.
 */
export const MIGRATIONS: MtsMigration[] = [
  { name: '0001_initial', up: m0001.up },
  { name: '0002_prices', up: m0002.up },
  { name: '0009_paper', up: m0009.up },
  { name: '0010_security', up: m0010.up },
];
