import 'reflect-metadata';
import { exitOnStartupFailure, runConsumerApp } from '@mda/messaging';
import { WORKER_APP } from './worker-app';

void runConsumerApp(WORKER_APP).catch(exitOnStartupFailure('downloader-worker'));
