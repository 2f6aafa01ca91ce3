import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/**
 * zod with `.openapi()` (names, examples, descriptions for the OpenAPI document). Route schemas import `z`
 * from here (docs/api.md, "How a route declares its schemas"); the extension is idempotent.
 */
extendZodWithOpenApi(z);

export { z };
export type { ZodTypeAny } from 'zod';
