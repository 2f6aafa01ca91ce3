import { Controller, Get, Inject, Query } from '@nestjs/common';
import { parseNoQuery } from '../common/validation';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/openapi';
import type { Simgate } from '@simgate/sync';
import { SIMGATE } from '../tokens';
import { listAccounts, listPlatforms } from './platforms.schemas';

@ApiTags('platforms')
@ApiBearerAuth()
@Controller('v1')
export class PlatformsController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  @Get('platforms')
  @ApiRoute(listPlatforms)
  platforms(@Query() query: unknown) {
    parseNoQuery(query);
    return {
      // A manifest's `options` is the zod schema of an account's options: code, not part of the answer.
      items: this.sg.registry.manifests().map(({ options: _optionsSchema, ...m }) => ({
        ...m,
        unsupportedOperations: ['ACTIVATE', 'SUSPEND', 'RESUME', 'REBIND', 'SET_USAGE_CAP'].filter(
          (t) => !m.capabilities.operations.includes(t as never),
        ),
      })),
    };
  }

  @Get('accounts')
  @ApiRoute(listAccounts)
  accounts(@Query() query: unknown) {
    parseNoQuery(query);
    return {
      items: this.sg.accounts.map((a) => {
        const m = this.sg.registry.get(a.platform).manifest;
        return {
          id: a.id,
          platform: a.platform,
          carrier: m.carrier,
          label: m.label,
          baseUrl: a.baseUrl,
          credentialFields: Object.keys(a.credentials).sort(),
          cardsFile: a.cards ?? null,
          quotas: a.quotas ?? null,
        };
      }),
    };
  }
}
