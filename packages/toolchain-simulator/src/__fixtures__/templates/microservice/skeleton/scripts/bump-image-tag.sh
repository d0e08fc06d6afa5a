#!/bin/sh
echo "bumping image.tag to $1"
