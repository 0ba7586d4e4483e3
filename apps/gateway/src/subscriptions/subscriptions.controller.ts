import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { ApiOp } from '../docs/decorators';
import { DeletedSubscription, SubscriptionCheckView, SubscriptionList, SubscriptionView } from '../docs/library-models';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './dto/subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@Controller('api/v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @HttpCode(201)
  @ApiOp({
    summary: 'Subscribe to a channel, playlist or feed',
    description:
      'Lists the source once (the first check): with `backfill: "none"` it only records what is there, with a count or `"all"` it downloads that much now. Then a check runs every `check_interval` seconds (with jitter), downloading items not yet in the key\'s archive, each job with the usual webhooks; `subscription.checked` goes to `webhook_url` when a check finds something new or fails. A source that cannot be listed answers 400 and nothing is stored.',
    status: 201,
    type: SubscriptionView,
    okDescription: 'Created',
    body: true,
    errors: [400, 404, 503, 504],
  })
  create(@Body() dto: CreateSubscriptionDto, @Identity() who: ApiKeyIdentity) {
    return this.subscriptions.create(dto, who);
  }

  @Get()
  @ApiOp({ summary: 'List subscriptions', description: "The key's subscriptions, newest first, each with its last check.", type: SubscriptionList, errors: [] })
  list(@Identity() who: ApiKeyIdentity) {
    return this.subscriptions.list(who);
  }

  @Get(':id')
  @ApiOp({
    summary: 'A subscription',
    description: 'The subscription with its next check time and its last 20 checks (time, items seen, new items and their request ids, error).',
    type: SubscriptionView,
    errors: [404],
  })
  get(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.subscriptions.get(id, who);
  }

  @Patch(':id')
  @ApiOp({
    summary: 'Change a subscription',
    description:
      'Pause (`paused: true`: no scheduled checks) or resume, change check_interval, filters, download options or webhook_url. The URL and backfill stay.',
    type: SubscriptionView,
    body: true,
    errors: [400, 404],
  })
  update(@Param('id') id: string, @Body() dto: UpdateSubscriptionDto, @Identity() who: ApiKeyIdentity) {
    return this.subscriptions.update(id, dto, who);
  }

  @Delete(':id')
  @ApiOp({
    summary: 'Delete a subscription',
    description: 'Stops its checks and removes it with its check history; the jobs it started stay.',
    type: DeletedSubscription,
    errors: [404],
  })
  remove(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.subscriptions.remove(id, who);
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOp({
    summary: 'Check a subscription now',
    description:
      'Runs a check now (also when paused) and answers with its record; a failed listing is a check with status `failed`. 409 while another check of it runs. The next scheduled check counts from now.',
    type: SubscriptionCheckView,
    errors: [404, 409, 503],
  })
  check(@Param('id') id: string, @Identity() who: ApiKeyIdentity) {
    return this.subscriptions.checkNow(id, who);
  }
}
