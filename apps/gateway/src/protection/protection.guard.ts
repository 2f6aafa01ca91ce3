import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Simgate } from '@simgate/sync';
import type { Request, Response } from 'express';
import { CARD_COST, type CardCost } from './card-cost';
import type { Protection } from './protection';

/**
 * Every `/v1` route: the API key (401, or 429 for a blocked address), then the key's budgets: one request,
 * plus the route's weight in cards where it declares one (`@ChargesCards`).
 */
@Injectable()
export class ProtectionGuard implements CanActivate {
  constructor(
    private readonly protection: Protection,
    private readonly reflector: Reflector,
    private readonly sg: Simgate,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<Request>();
    if (!req.path.startsWith('/v1')) return true;
    const res = http.getResponse<Response>();
    const keyId = await this.protection.authenticate(req, res);
    const cost = this.reflector.get<CardCost | undefined>(CARD_COST, ctx.getHandler());
    await this.protection.charge(res, keyId, cost ? await cost(req, this.sg) : 0);
    return true;
  }
}
