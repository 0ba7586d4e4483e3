import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { BatchesService } from './batches.service';
import { CreateBatchDto } from './dto/create-batch.dto';

@ApiTags('batches')
@ApiSecurity('api_key')
@Controller('api/v1/batch')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post('download')
  @HttpCode(202)
  create(@Body() dto: CreateBatchDto, @Identity() who: ApiKeyIdentity) {
    return this.batches.create(dto, who);
  }

  @Get(':batch_id')
  get(@Param('batch_id') batchId: string, @Identity() who: ApiKeyIdentity) {
    return this.batches.get(batchId, who);
  }

  @Delete(':batch_id')
  cancel(@Param('batch_id') batchId: string, @Identity() who: ApiKeyIdentity) {
    return this.batches.cancel(batchId, who);
  }
}
