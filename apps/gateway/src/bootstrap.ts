import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Simgate } from '@simgate/sync';
import { GatewayModule } from './app.module';
import { buildOpenApi } from './common/openapi';
import { installProtection } from './protection/protection.module';
import type { GatewayOptions } from './tokens';

/** Body size cap for JSON requests (CSV imports are streamed separately). */
export const JSON_LIMIT = '1mb';

/** Builds the HTTP app over an assembled Simgate (used by main and by the end-to-end tests). */
export async function createGateway(simgate: Simgate, options: GatewayOptions & { worker?: boolean }): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(simgate, options), {
    logger: false,
    bodyParser: false,
  });
  // First: request id, RED metrics and the access log see every request, a refused one too.
  await installProtection(app, simgate, options);
  app.useBodyParser('json', { limit: JSON_LIMIT, type: ['application/json', 'application/*+json'] });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // @nestjs/swagger lists the routes; each route's zod spec fills its parameters, body and responses.
  const doc = buildOpenApi(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('simgate')
      .setDescription('Carrier-integration gateway for IoT SIM cards: cards, usage, pools, operations, sync state.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  // No enableShutdownHooks(): Nest's signal handler re-raises the signal once the app is closed, which would
  // end the process before main's stop() has closed Simgate (PGlite's files), the queue and the simulators.
  return app;
}
