import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { Batch, BatchAccepted } from '../docs/batch-models';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { BatchesService } from './batches.service';
import { CreateBatchDto } from './dto/create-batch.dto';

@ApiTags('batches')
@Controller('api/v1/batch')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post('download')
  @ApiOp({
    summary: 'Submit a batch',
    description: 'Queues one job per URL with shared options; the batch reports totals and sends batch.completed to its webhook_url when every job is final.',
    status: 202,
    type: BatchAccepted,
    okDescription: 'Queued',
    body: true,
    errors: [400, 404, 503],
  })
  @HttpCode(202)
  create(@Body() dto: CreateBatchDto, @Identity() who: ApiKeyIdentity) {
    return this.batches.create(dto, who);
  }

  @Get(':batch_id')
  @ApiOp({ summary: 'Status of a batch', description: 'Totals by status and the jobs of the batch.', type: Batch, errors: [404] })
  get(@Param('batch_id') batchId: string, @Identity() who: ApiKeyIdentity) {
    return this.batches.get(batchId, who);
  }

  @Delete(':batch_id')
  @ApiOp({
    summary: 'Cancel a batch',
    description: 'Cancels every job of the batch that is not final and answers the batch as it is then; a batch already finished or cancelled answers 409.',
    type: Batch,
    okDescription: 'Cancelled',
    errors: [404, 409, 503],
  })
  cancel(@Param('batch_id') batchId: string, @Identity() who: ApiKeyIdentity) {
    return this.batches.cancel(batchId, who);
  }
}
