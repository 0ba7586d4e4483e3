import 'reflect-metadata';
import { exitOnStartupFailure, runConsumerApp } from '@mda/messaging';
import { SENDER_APP } from './sender-app';

void runConsumerApp(SENDER_APP).catch(exitOnStartupFailure('webhook-sender'));
